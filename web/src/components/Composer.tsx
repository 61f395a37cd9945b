import { useEffect, useRef, useState } from 'react'
import { client } from '../api'
import { sendPost, sendTyping, runCommand, teamCommands } from '../actions'
import { getState, setState, useStore } from '../store'
import { activeToken, typedOut } from '../lib/mentions'
import { searchAllEmoji, emojiChar } from '../lib/emoji'
import { uploadFile, uploadRefusal, formatSize, fileKind, type FileInfo } from '../lib/files'
import { parseSlash, suggestCommands } from '../lib/integrations'
import { errMessage } from '../api'
import { EmojiGlyph } from './PostItem'
import type { GetGroupsParams } from '@mattermost/types/groups'

interface Pending { clientId: string; name: string; size: number; progress: number; info?: FileInfo; error?: string; abort?: () => void }
const MAX_FILES = 10

type Item = { value: string; label: string; emoji?: string; hint?: string }

/** Custom groups whose name or display name contains term, as @name suggestions. */
async function groupSuggestions(term: string): Promise<Item[]> {
  if (getState().config.EnableCustomGroups !== 'true') return []
  try {
    const gs = await client.getGroups({ q: term, filter_allow_reference: true, include_member_count: true, per_page: 5 } as GetGroupsParams)
    return gs.map((g) => ({ value: `@${g.name} `, label: `@${g.name}`,
      hint: `${g.display_name} · ${g.member_count ?? 0} member${g.member_count === 1 ? '' : 's'}` }))
  } catch { return [] }
}

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
  const [uploads, setUploads] = useState<Pending[]>([])
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const [dragging, setDragging] = useState(false)
  const config = useStore((s) => s.config)
  const canAttach = config.EnableFileAttachments !== 'false'
  const rootRef = useRef<HTMLDivElement>(null)

  function addFiles(list: FileList | File[]) {
    const files = [...list]
    if (!files.length) return
    if (!canAttach) { setError('File attachments are disabled on this server.'); return }
    setError('')
    const room = MAX_FILES - uploads.length
    if (files.length > room) setError(`At most ${MAX_FILES} files per message.`)
    for (const file of files.slice(0, Math.max(0, room))) {
      const refusal = uploadRefusal(file, getState().config)
      if (refusal) { setError(refusal); continue }
      const clientId = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
      const up = uploadFile(file, channelId, clientId, (f) => setUploads((u) => u.map((x) => (x.clientId === clientId ? { ...x, progress: f } : x))))
      setUploads((u) => [...u, { clientId, name: file.name, size: file.size, progress: 0, abort: up.abort }])
      up.promise.then((info) => setUploads((u) => u.map((x) => (x.clientId === clientId ? { ...x, info, progress: 1, abort: undefined } : x))),
        (e) => { if (!(e as any).aborted) setUploads((u) => u.map((x) => (x.clientId === clientId ? { ...x, error: errMessage(e), abort: undefined } : x))) })
    }
  }

  function removeUpload(clientId: string) {
    setUploads((u) => { u.find((x) => x.clientId === clientId)?.abort?.(); return u.filter((x) => x.clientId !== clientId) })
  }

  // Drag and drop anywhere over the channel (or the thread panel).
  useEffect(() => {
    const zone = rootRef.current?.closest('.channel, .rhs') as HTMLElement | null
    if (!zone || !canAttach) return
    let depth = 0
    const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types || [])].includes('Files')
    const enter = (e: DragEvent) => { if (!hasFiles(e)) return; e.preventDefault(); depth++; setDragging(true) }
    const over = (e: DragEvent) => { if (hasFiles(e)) e.preventDefault() }
    const leave = () => { depth = Math.max(0, depth - 1); if (!depth) setDragging(false) }
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault(); e.stopPropagation(); depth = 0; setDragging(false)
      addFiles(e.dataTransfer!.files)
    }
    zone.addEventListener('dragenter', enter); zone.addEventListener('dragover', over)
    zone.addEventListener('dragleave', leave); zone.addEventListener('drop', drop)
    return () => {
      zone.removeEventListener('dragenter', enter); zone.removeEventListener('dragover', over)
      zone.removeEventListener('dragleave', leave); zone.removeEventListener('drop', drop)
    }
  })

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
    let next: Item[] = []
    if (/^\/\S*$/.test(value) && caret === value.length) {
      const cmds = await teamCommands(getState().currentTeamId || '')
      next = suggestCommands(value, cmds).map((c) => ({ value: `/${c.trigger} `, label: `/${c.trigger}${c.auto_complete_hint ? ' ' + c.auto_complete_hint : ''}`, hint: c.auto_complete_desc || c.description || c.display_name }))
      if (my === reqId.current) { setItems(next); setSel(0) }
      return
    }
    if (!tok) { setItems([]); return }
    if (tok.trigger === ':') next = searchAllEmoji(tok.term).map((n) => ({ value: `:${n}: `, label: `:${n}:`, emoji: n, hint: emojiChar(n) ? undefined : 'custom' }))
    else if (tok.trigger === '@') {
      const st = getState()
      try {
        const r = await client.autocompleteUsers(tok.term, st.currentTeamId || '', channelId, { limit: 8 }) as any
        const users = [...(r.users || []), ...(r.out_of_channel || [])]
        next = users.slice(0, 8).map((u: any) => ({ value: `@${u.username} `, label: `@${u.username}`, hint: [u.first_name, u.last_name].filter(Boolean).join(' ') || u.nickname }))
      } catch { next = [] }
      next.push(...await groupSuggestions(tok.term))
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
    if (it.value.startsWith('/') && /^\/\S*$/.test(text)) {
      setText(it.value); setItems([])
      requestAnimationFrame(() => { t.setSelectionRange(it.value.length, it.value.length); t.focus() })
      return
    }
    const tok = activeToken(text, caret)
    if (!tok) return
    const v = text.slice(0, tok.start) + it.value + text.slice(caret)
    setText(v)
    setItems([])
    requestAnimationFrame(() => { const pos = tok.start + it.value.length; t.setSelectionRange(pos, pos); t.focus() })
  }

  const uploading = uploads.some((u) => !u.info && !u.error)
  const ready = uploads.filter((u) => u.info).map((u) => u.info!)

  async function submit() {
    const m = text.trim()
    if ((!m && !ready.length) || uploading || busy) return
    setError('')
    if (!ready.length && parseSlash(m)) {
      setBusy(true)
      try {
        await runCommand(channelId, m, rootId)
        setText(''); localStorage.removeItem(key); setItems([])
      } catch (e) { setError(errMessage(e)) } finally { setBusy(false); ref.current?.focus() }
      return
    }
    sendPost(channelId, m, rootId, ready)
    setText('')
    setUploads([])
    localStorage.removeItem(key)
    setItems([])
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLTextAreaElement>) {
    if (items.length) {
      if (e.key === 'ArrowDown') { e.preventDefault(); setSel((sel + 1) % items.length); return }
      if (e.key === 'ArrowUp') { e.preventDefault(); setSel((sel - 1 + items.length) % items.length); return }
      // Enter on a suggestion that is already typed out ("/echo", or "/invite @bob" with "@bob"
      // suggested) sends instead of accepting it again.
      const typed = e.key === 'Enter' && typedOut(text, e.currentTarget.selectionStart, items[sel].value)
      if ((e.key === 'Enter' && !typed) || e.key === 'Tab') { e.preventDefault(); accept(items[sel]); return }
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
  const fileInput = useRef<HTMLInputElement>(null)
  return <div className="composer-wrap" ref={rootRef}>
    {dragging && <div className="drop-overlay" aria-hidden="true"><span>Drop files to upload</span></div>}
    {error && <p className="composer-error" role="alert">{error}</p>}
    {uploads.length > 0 && <ul className="uploads" aria-label="Attachments">
      {uploads.map((u) => {
        const k = fileKind({ name: u.name, extension: '' })
        return <li key={u.clientId} className={`upload${u.error ? ' failed' : u.info ? ' done' : ''}`} data-upload-name={u.name}>
          <span className="file-icon" aria-hidden="true">{k.icon}</span>
          <span className="file-meta"><span className="file-name" title={u.name}>{u.name}</span>
            <small>{u.error ? u.error : u.info ? formatSize(u.size) : `${Math.round(u.progress * 100)}% of ${formatSize(u.size)}`}</small>
            {!u.info && !u.error && <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`} />}
          </span>
          <button className="icon" aria-label={`Remove ${u.name}`} title="Remove" onClick={() => removeUpload(u.clientId)}>✕</button>
        </li>
      })}
    </ul>}
  <div className="composer">
    {items.length > 0 && <ul className="autocomplete" role="listbox" id={listId} aria-label="Suggestions">
      {items.map((it, i) => <li key={it.value} role="option" aria-selected={i === sel} className={i === sel ? 'sel' : ''}
        onMouseDown={(e) => { e.preventDefault(); accept(it) }}>{it.emoji && <EmojiGlyph name={it.emoji} />} {it.label} {it.hint && <small>{it.hint}</small>}</li>)}
    </ul>}
    {canAttach && <>
      <input ref={fileInput} type="file" multiple hidden aria-hidden="true" tabIndex={-1} className="file-input"
        onChange={(e) => { if (e.target.files) addFiles(e.target.files); e.target.value = '' }} />
      <button className="icon attach" aria-label="Attach files" title="Attach files" onClick={() => fileInput.current?.click()}>📎</button>
    </>}
    <textarea ref={ref} id={rootId ? `reply-${rootId}` : 'composer'} className="composer-input" rows={1} value={text} placeholder={placeholder}
      aria-label={placeholder} aria-autocomplete="list" aria-controls={items.length ? listId : undefined}
      onChange={(e) => { setText(e.target.value); suggest(e.target.value, e.target.selectionStart); if (e.target.value) sendTyping(channelId, rootId) }}
      onKeyDown={onKeyDown} onBlur={() => setTimeout(() => setItems([]), 150)}
      onPaste={(e) => { if (e.clipboardData.files.length) { e.preventDefault(); addFiles(e.clipboardData.files) } }} />
    <button className="send" aria-label="Send" title={uploading ? 'Waiting for uploads' : 'Send (Enter)'} disabled={(!text.trim() && !ready.length) || uploading || busy} onClick={submit}>➤</button>
  </div>
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
