// What a post carries besides its message: files, Slack attachments, link
// previews; and the preview overlay for images.
import { useEffect, useState } from 'react'
import { useStore, setState } from '../store'
import { renderMarkdown } from '../lib/markdown'
import { formatSize, fileKind, isImage, fileUrl, thumbUrl, previewUrl, type FileInfo } from '../lib/files'
import { normalizeAttachments, linkPreview, type Attachment, type AttachmentAction } from '../lib/integrations'
import { doPostAction } from '../actions'

function openPreview(files: FileInfo[], index: number) {
  setState({ preview: { fileIds: files.map((f) => f.id), index, infos: Object.fromEntries(files.map((f) => [f.id, f])) } })
}

/** Image thumbnails inline (click to open the overlay), other files as download cards. */
export function FileList({ files }: { files: FileInfo[] }) {
  if (!files.length) return null
  const images = files.filter(isImage)
  const others = files.filter((f) => !isImage(f))
  const single = images.length === 1
  return <div className="files">
    {images.length > 0 && <div className={`file-images${single ? ' single' : ''}`}>
      {images.map((f) => {
        const w = f.width || 320, h = f.height || 200
        // One image: a preview up to 360×280, keeping its shape; several: 120×100 thumbnails.
        const scale = single ? Math.min(1, 360 / w, 280 / h) : 1
        const style = single ? { width: Math.max(40, Math.round(w * scale)), aspectRatio: `${w} / ${h}`, height: 'auto' } : undefined
        return <button key={f.id} className="file-image" style={style} aria-label={`Open image ${f.name}`} title={`${f.name} (${formatSize(f.size)})`}
          onClick={() => openPreview(images, images.indexOf(f))}>
          <img src={single && (w > 120 || h > 100) ? previewUrl(f.id) : thumbUrl(f.id)} alt={f.name} loading="lazy" draggable={false} />
        </button>
      })}
    </div>}
    {others.map((f) => {
      const k = fileKind(f)
      return <div key={f.id} className={`file-card kind-${k.kind}`} data-file-name={f.name}>
        <span className="file-icon" aria-hidden="true">{k.icon}</span>
        <span className="file-meta">
          <a className="file-name" href={fileUrl(f.id)} target="_blank" rel="noopener noreferrer" title={f.name}>{f.name}</a>
          <small>{(f.extension || k.kind).toUpperCase()} · {formatSize(f.size)}</small>
        </span>
        <a className="icon file-dl" href={fileUrl(f.id, true)} download={f.name} aria-label={`Download ${f.name}`} title="Download">⬇</a>
      </div>
    })}
  </div>
}

export function FilePreview() {
  const pv = useStore((s) => s.preview)
  useEffect(() => {
    if (!pv) return
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') { e.stopPropagation(); setState({ preview: undefined }) }
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        const n = pv.fileIds.length
        setState({ preview: { ...pv, index: (pv.index + (e.key === 'ArrowRight' ? 1 : -1) + n) % n } })
      }
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [pv])
  if (!pv) return null
  const f = pv.infos[pv.fileIds[pv.index]] as FileInfo
  const n = pv.fileIds.length
  const go = (d: number) => setState({ preview: { ...pv, index: (pv.index + d + n) % n } })
  return <div className="preview-backdrop" role="dialog" aria-modal="true" aria-label={`Preview of ${f.name}`}
    onMouseDown={(e) => { if (e.target === e.currentTarget) setState({ preview: undefined }) }}>
    <header className="preview-head">
      <span className="grow" title={f.name}>{f.name} <small>{formatSize(f.size)}{f.width ? ` · ${f.width}×${f.height}` : ''}</small></span>
      {n > 1 && <span>{pv.index + 1} / {n}</span>}
      <a className="icon" href={fileUrl(f.id, true)} download={f.name} aria-label="Download" title="Download">⬇</a>
      <button className="icon" aria-label="Close preview" autoFocus onClick={() => setState({ preview: undefined })}>✕</button>
    </header>
    {n > 1 && <button className="icon preview-nav prev" aria-label="Previous" onClick={() => go(-1)}>‹</button>}
    <img className="preview-img" src={f.mime_type === 'image/gif' ? fileUrl(f.id) : previewUrl(f.id)} alt={f.name} />
    {n > 1 && <button className="icon preview-nav next" aria-label="Next" onClick={() => go(1)}>›</button>}
  </div>
}

const md = (t: string, teamName: string) => ({ __html: renderMarkdown(t, { teamName }) })

export function Attachments({ raw, teamName, postId }: { raw: unknown; teamName: string; postId: string }) {
  const list = normalizeAttachments(raw)
  if (!list.length) return null
  return <div className="attachments">{list.map((a, i) => <AttachmentView key={i} a={a} teamName={teamName} postId={postId} />)}</div>
}

/** Message buttons and menus: a click goes to the integration through the server. */
function ActionBar({ actions, postId }: { actions: AttachmentAction[]; postId: string }) {
  const [busy, setBusy] = useState('')
  const [error, setError] = useState('')
  const run = async (id: string, value = '') => {
    setBusy(id); setError('')
    try { await doPostAction(postId, id, value) } catch (e: any) { setError(e?.message || 'The integration did not answer.') }
    setBusy('')
  }
  return <div className="att-actions">
    {actions.map((act) => act.options
      ? <select key={act.id} aria-label={act.name} disabled={busy !== ''} defaultValue=""
          onChange={(e) => e.target.value && run(act.id, e.target.value)}>
          <option value="" disabled>{act.name}</option>
          {act.options.map((o) => <option key={o.value} value={o.value}>{o.text}</option>)}
        </select>
      : <button key={act.id} type="button" className={'att-button ' + (act.style || 'default')} disabled={busy !== ''}
          onClick={() => run(act.id)}>{act.name}</button>)}
    {error && <div className="att-action-error" role="alert">{error}</div>}
  </div>
}

function AttachmentView({ a, teamName, postId }: { a: Attachment; teamName: string; postId: string }) {
  const ext = { target: '_blank', rel: 'noopener noreferrer' }
  return <div className="attachment-wrap">
    {a.pretext && <div className="att-pretext md" dangerouslySetInnerHTML={md(a.pretext, teamName)} />}
    <div className="attachment" style={{ borderLeftColor: a.color || undefined }} data-color={a.color}>
      <div className="att-main">
        {a.authorName && <div className="att-author">
          {a.authorIcon && <img src={a.authorIcon} alt="" width={16} height={16} referrerPolicy="no-referrer" />}
          {a.authorLink ? <a href={a.authorLink} {...ext}>{a.authorName}</a> : <span>{a.authorName}</span>}
        </div>}
        {a.title && <div className="att-title">{a.titleLink ? <a href={a.titleLink} {...ext}>{a.title}</a> : a.title}</div>}
        {a.text && <div className="att-text md" dangerouslySetInnerHTML={md(a.text, teamName)} />}
        {!a.text && !a.title && !a.fields.length && !a.imageUrl && a.fallback && <div className="att-text">{a.fallback}</div>}
        {a.fields.length > 0 && <table className="att-fields"><tbody>
          {a.fields.map((row, r) => <tr key={r}>{row.map((f, c) => <td key={c} colSpan={row.length === 1 && !f.short ? 2 : 1}>
            {f.title && <div className="att-field-title">{f.title}</div>}
            <div className="md" dangerouslySetInnerHTML={md(f.value, teamName)} />
          </td>)}</tr>)}
        </tbody></table>}
        {a.imageUrl && <img className="att-image" src={a.imageUrl} alt={a.title || 'attachment image'} loading="lazy" referrerPolicy="no-referrer" />}
        {(a.footer || a.ts) && <div className="att-footer">
          {a.footerIcon && <img src={a.footerIcon} alt="" width={16} height={16} referrerPolicy="no-referrer" />}
          {a.footer}{a.footer && a.ts ? ' | ' : ''}{a.ts ? new Date(a.ts).toLocaleString() : ''}
        </div>}
        {a.actions.length > 0 && <ActionBar actions={a.actions} postId={postId} />}
      </div>
      {a.thumbUrl && <img className="att-thumb" src={a.thumbUrl} alt="" loading="lazy" referrerPolicy="no-referrer" />}
    </div>
  </div>
}

export function LinkPreviewCard({ post }: { post: { metadata?: any } }) {
  const enabled = useStore((s) => s.config.EnableLinkPreviews !== 'false')
  const lp = enabled ? linkPreview(post) : null
  if (!lp) return null
  return <a className="link-preview" href={lp.url} target="_blank" rel="noopener noreferrer">
    <span className="lp-text">
      <small className="lp-site">{lp.site}</small>
      {lp.title && <b className="lp-title">{lp.title}</b>}
      {lp.description && <span className="lp-desc">{lp.description}</span>}
    </span>
    {lp.image && <img className="lp-image" src={lp.image} alt="" loading="lazy" referrerPolicy="no-referrer" />}
  </a>
}
