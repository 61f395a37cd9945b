import { useEffect, useRef, useState } from 'react'
import { client } from '../api'
import { sendPost, sendTyping } from '../actions'
import { getState, setState, useStore } from '../store'
import { activeToken } from '../lib/mentions'
import { searchEmoji, EMOJI } from '../lib/emoji'

type Item = { value: string; label: string; hint?: string }

function draftKey(channelId: string, rootId: string) {
  return `parley.draft.${channelId}${rootId ? ':' + rootId : ''}`
}

export function Composer({ channelId, rootId, placeholder }: { channelId: string; rootId: string; placeholder: string }) {
  const key = draftKey(channelId, rootId)
  const [text, setText] = useState(() => localStorage.getItem(key) || '')
  const [items, setItems] = useState<Item[]>([])
  const [sel, setSel] = useState(0)
  const ref = useRef<HTMLTextAreaElement>(null)
  const reqId = useRef(0)

  useEffect(() => {
    if (text) localStorage.setItem(key, text)
    else localStorage.removeItem(key)
  }, [text, key])

  useEffect(() => {
    const t = ref.current
    if (!t) return
    t.style.height = 'auto'
    t.style.height = Math.min(t.scrollHeight, 240) + 'px'
  }, [text])

  async function suggest(value: string, caret: number) {
    const tok = activeToken(value, caret)
    const my = ++reqId.current
    if (!tok) { setItems([]); return }
    let next: Item[] = []
    if (tok.trigger === ':') next = searchEmoji(tok.term).map((n) => ({ value: `:${n}: `, label: `${EMOJI[n]} :${n}:` }))
    else if (tok.trigger === '@') {
      const st = getState()
      try {
        const r = await client.autocompleteUsers(tok.term, st.currentTeamId || '', channelId, { limit: 8 }) as any
        const users = [...(r.users || []), ...(r.out_of_channel || [])]
        next = users.slice(0, 8).map((u: any) => ({ value: `@${u.username} `, label: `@${u.username}`, hint: [u.first_name, u.last_name].filter(Boolean).join(' ') || u.nickname }))
      } catch { next = [] }
      for (const w of ['here', 'channel', 'all']) if (w.startsWith(tok.term.toLowerCase())) next.push({ value: `@${w} `, label: `@${w}`, hint: 'notifies everyone in the channel' })
    } else {
      try {
        const chans = await client.autocompleteChannels(getState().currentTeamId || '', tok.term)
        next = chans.slice(0, 8).map((c) => ({ value: `~${c.name} `, label: `~${c.name}`, hint: c.display_name }))
      } catch { next = [] }
    }
    if (my === reqId.current) { setItems(next); setSel(0) }
  }

  function accept(it: Item) {
    const t = ref.current!
    const caret = t.selectionStart
    const tok = activeToken(text, caret)
    if (!tok) return
    const v = text.slice(0, tok.start) + it.value + text.slice(caret)
    setText(v)
    setItems([])
    requestAnimationFrame(() => { const pos = tok.start + it.value.length; t.setSelectionRange(pos, pos); t.focus() })
  }

  function submit() {
    const m = text.trim()
    if (!m) return
    sendPost(channelId, m, rootId)
    setText('')
    localStorage.removeItem(key)
    setItems([])
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLTextAreaElement>) {
    if (items.length) {
      if (e.key === 'ArrowDown') { e.preventDefault(); setSel((sel + 1) % items.length); return }
      if (e.key === 'ArrowUp') { e.preventDefault(); setSel((sel - 1 + items.length) % items.length); return }
      if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); accept(items[sel]); return }
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); setItems([]); return }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) { e.preventDefault(); submit(); return }
    if (e.key === 'ArrowUp' && !text) {
      const st = getState()
      const ids = rootId ? st.threads[rootId] || [] : st.channelPosts[channelId]?.order || []
      for (let i = ids.length - 1; i >= 0; i--) {
        const p = st.posts[ids[i]]
        if (p && p.user_id === st.me!.id && !p.type && p.id !== p.pending_post_id) { e.preventDefault(); setState({ editingId: p.id }); return }
      }
    }
  }

  const listId = `ac-${rootId || channelId}`
  return <div className="composer">
    {items.length > 0 && <ul className="autocomplete" role="listbox" id={listId} aria-label="Suggestions">
      {items.map((it, i) => <li key={it.value} role="option" aria-selected={i === sel} className={i === sel ? 'sel' : ''}
        onMouseDown={(e) => { e.preventDefault(); accept(it) }}>{it.label} {it.hint && <small>{it.hint}</small>}</li>)}
    </ul>}
    <textarea ref={ref} id={rootId ? `reply-${rootId}` : 'composer'} className="composer-input" rows={1} value={text} placeholder={placeholder}
      aria-label={placeholder} aria-autocomplete="list" aria-controls={items.length ? listId : undefined} aria-expanded={items.length > 0}
      onChange={(e) => { setText(e.target.value); suggest(e.target.value, e.target.selectionStart); if (e.target.value) sendTyping(channelId, rootId) }}
      onKeyDown={onKeyDown} onBlur={() => setTimeout(() => setItems([]), 150)} />
    <button className="send" aria-label="Send" title="Send (Enter)" disabled={!text.trim()} onClick={submit}>➤</button>
  </div>
}

export function TypingLine({ channelId, rootId }: { channelId: string; rootId: string }) {
  const key = rootId ? `${channelId}:${rootId}` : channelId
  const typing = useStore((s) => s.typing[key])
  const users = useStore((s) => s.users)
  const now = Date.now()
  const names = Object.entries(typing || {}).filter(([, exp]) => exp > now).map(([id]) => users[id]?.username || 'Someone')
  const text = names.length === 0 ? '' : names.length === 1 ? `${names[0]} is typing…` : names.length === 2 ? `${names[0]} and ${names[1]} are typing…` : 'Several people are typing…'
  return <div className="typing" aria-live="polite">{text}</div>
}
