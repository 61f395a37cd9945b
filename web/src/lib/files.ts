// File attachments: sizes, kinds, URLs, and uploads with progress (XHR, since
// fetch reports no upload progress).
export interface FileInfo {
  id: string
  name: string
  extension: string
  size: number
  mime_type: string
  width?: number
  height?: number
  has_preview_image?: boolean
  mini_preview?: string
}

export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}

/** Images the server decoded and made a thumbnail and preview for. */
export function isImage(f: Pick<FileInfo, 'mime_type' | 'has_preview_image' | 'width'>): boolean {
  return /^image\/(jpeg|png|gif|webp)$/.test(f.mime_type) && (f.has_preview_image !== false || !!f.width)
}

const KINDS: [RegExp, string, string][] = [
  [/^pdf$/, 'pdf', '📕'],
  [/^(docx?|odt|rtf|pages)$/, 'document', '📄'],
  [/^(xlsx?|ods|csv|tsv|numbers)$/, 'spreadsheet', '📊'],
  [/^(pptx?|odp|key)$/, 'presentation', '📽️'],
  [/^(zip|tar|gz|tgz|bz2|xz|7z|rar)$/, 'archive', '🗜️'],
  [/^(mp3|wav|ogg|flac|m4a|aac)$/, 'audio', '🎵'],
  [/^(mp4|mov|webm|mkv|avi)$/, 'video', '🎬'],
  [/^(txt|md|log)$/, 'text', '📝'],
  [/^(js|ts|tsx|jsx|go|py|rb|java|c|h|cpp|rs|sh|json|ya?ml|toml|html|css|sql)$/, 'code', '🧾'],
  [/^(png|jpe?g|gif|webp|svg|bmp|tiff?|heic)$/, 'image', '🖼️'],
]

/** A kind and an icon for a file card, from its extension. */
export function fileKind(f: Pick<FileInfo, 'name' | 'extension'>): { kind: string; icon: string } {
  const ext = (f.extension || f.name.split('.').pop() || '').toLowerCase()
  for (const [re, kind, icon] of KINDS) if (re.test(ext)) return { kind, icon }
  return { kind: 'file', icon: '📎' }
}

export const fileUrl = (id: string, download = false) => `/api/v4/files/${id}${download ? '?download=1' : ''}`
export const thumbUrl = (id: string) => `/api/v4/files/${id}/thumbnail`
export const previewUrl = (id: string) => `/api/v4/files/${id}/preview`

/** Why a file cannot be uploaded, or null. */
export function uploadRefusal(file: { name: string; size: number }, cfg: Record<string, string>): string | null {
  if (cfg.EnableFileAttachments === 'false') return 'File attachments are disabled.'
  const max = Number(cfg.MaxFileSize || 0)
  if (max > 0 && file.size > max) return `${file.name} is larger than ${formatSize(max)}.`
  if (file.size === 0) return `${file.name} is empty.`
  return null
}

function cookie(name: string): string {
  const m = new RegExp(`(?:^|;\\s*)${name}=([^;]*)`).exec(document.cookie)
  return m ? decodeURIComponent(m[1]) : ''
}

export interface Upload {
  promise: Promise<FileInfo>
  abort: () => void
}

/** Uploads one file to a channel; onProgress gets 0..1. */
export function uploadFile(file: File, channelId: string, clientId: string, onProgress: (f: number) => void): Upload {
  const xhr = new XMLHttpRequest()
  const promise = new Promise<FileInfo>((resolve, reject) => {
    const fd = new FormData()
    fd.append('channel_id', channelId)
    fd.append('client_ids', clientId)
    fd.append('files', file, file.name)
    xhr.open('POST', '/api/v4/files')
    xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest')
    const csrf = cookie('MMCSRF')
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf)
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total) }
    xhr.onload = () => {
      let body: any = null
      try { body = JSON.parse(xhr.responseText) } catch { /* not JSON */ }
      if (xhr.status === 201 && body?.file_infos?.[0]) { onProgress(1); resolve(body.file_infos[0]) }
      else reject(Object.assign(new Error(body?.message || `Upload failed (${xhr.status})`), { status_code: xhr.status }))
    }
    xhr.onerror = () => reject(new Error('Upload failed: network error'))
    xhr.onabort = () => reject(Object.assign(new Error('Upload cancelled'), { aborted: true }))
    xhr.send(fd)
  })
  return { promise, abort: () => xhr.abort() }
}
