// Custom emoji: the list with who added each, upload of a new one (name and
// image, POST /emoji) and deletion (its creator or an admin, DELETE /emoji/{id}).
import { useEffect, useRef, useState, type FormEvent } from 'react'
import type { CustomEmoji as MMEmoji } from '@mattermost/types/emojis'
import { client, errMessage } from '../api'
import { getState, setState, useStore } from '../store'
import { addCustomEmoji, ensureUsers, isAdmin } from '../actions'
import { customEmojiUrl, emojiChar, setCustomEmoji } from '../lib/emoji'
import { emojiNameRefusal } from '../lib/emojiname'
import { Modal } from './Modals'
import { confirmDialog } from './Confirm'

const MAX_EMOJI_BYTES = 512 * 1024 // Mattermost's limit for an emoji image

function dropLocally(name: string) {
  const map = { ...getState().customEmoji }
  delete map[name]
  setCustomEmoji(map)
  setState({ customEmoji: map })
}

export function EmojiManager() {
  const me = useStore((s) => s.me!)
  const users = useStore((s) => s.users)
  const [list, setList] = useState<MMEmoji[] | null>(null)
  const [q, setQ] = useState('')
  const [name, setName] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [err, setErr] = useState('')
  const [msg, setMsg] = useState('')
  const [tick, setTick] = useState(0)
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => {
    client.getCustomEmojis(0, 200, 'name').then((l) => { setList(l); ensureUsers(l.map((e) => e.creator_id)) }).catch((e) => setErr(errMessage(e)))
  }, [tick])
  async function add(e: FormEvent) {
    e.preventDefault(); setErr(''); setMsg('')
    const n = name.trim().replace(/^:|:$/g, '').toLowerCase()
    const refusal = emojiNameRefusal(n, (x) => !!emojiChar(x) || !!getState().customEmoji[x])
    if (refusal) { setErr(refusal); return }
    if (!file) { setErr('Choose an image.'); return }
    if (file.size > MAX_EMOJI_BYTES) { setErr('The image must be at most 512 KB.'); return }
    try {
      const made = await client.createCustomEmoji({ name: n, creator_id: me.id } as any, file)
      addCustomEmoji([made])
      setName(''); setFile(null)
      setMsg(`:${n}: added.`)
      setTick((t) => t + 1)
    } catch (x) { setErr(errMessage(x)) }
  }
  async function remove(e: MMEmoji) {
    if (!await confirmDialog({ title: 'Delete custom emoji', message: `Delete :${e.name}:? Messages and reactions that use it show its name instead.`, confirm: 'Delete', danger: true })) return
    setErr(''); setMsg('')
    try { await client.deleteCustomEmoji(e.id); dropLocally(e.name); setMsg(`:${e.name}: deleted.`); setTick((t) => t + 1) } catch (x) { setErr(errMessage(x)) }
  }
  const shown = (list || []).filter((e) => !q || e.name.includes(q.toLowerCase().replace(/:/g, '')))
  return <Modal title="Custom emoji" wide>
    <form onSubmit={add} aria-label="Add custom emoji" className="emoji-add">
      <label>Name<input value={name} onChange={(e) => setName(e.target.value)} placeholder="party_parrot" maxLength={64} required /></label>
      <label>Image<input ref={input} type="file" accept="image/png,image/jpeg,image/gif" onChange={(e) => setFile(e.target.files?.[0] || null)} required /></label>
      <button className="primary">Add emoji</button>
    </form>
    {msg && <p className="ok" role="status">{msg}</p>}
    {err && <p className="error" role="alert">{err}</p>}
    <input type="search" placeholder="Search custom emoji" aria-label="Search custom emoji" value={q} onChange={(e) => setQ(e.target.value)} />
    {list === null ? <p>Loading…</p> : <table className="users-table emoji-table">
      <thead><tr><th>Image</th><th>Name</th><th>Added by</th><th><span className="sr-only">Actions</span></th></tr></thead>
      <tbody>{shown.map((e) => <tr key={e.id} data-emoji={e.name}>
        <td><img src={customEmojiUrl(e.id)} alt={`:${e.name}:`} width={24} height={24} /></td>
        <td>:{e.name}:</td>
        <td>{users[e.creator_id] ? `@${users[e.creator_id].username}` : ''}</td>
        <td>{(e.creator_id === me.id || isAdmin(me)) && <button onClick={() => remove(e)} aria-label={`Delete :${e.name}:`}>Delete</button>}</td>
      </tr>)}
        {shown.length === 0 && <tr><td colSpan={4}>No custom emoji yet.</td></tr>}
      </tbody>
    </table>}
  </Modal>
}
