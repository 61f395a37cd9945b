import { useStore } from '../store'

const colors = ['#1c58d9', '#0d8a5f', '#b8500d', '#8a3cc2', '#c2185b', '#00838f', '#5d4037', '#3949ab']

export function Avatar({ userId, size = 36 }: { userId: string; size?: number }) {
  const u = useStore((s) => s.users[userId])
  const status = useStore((s) => s.statuses[userId])
  const name = u?.username || '?'
  let h = 0
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  const pic = u?.last_picture_update ? `/api/v4/users/${userId}/image?_=${u.last_picture_update}` : ''
  return <span className="avatar" style={{ width: size, height: size, background: colors[h % colors.length], fontSize: size * 0.42 }} aria-hidden="true">
    {pic ? <img src={pic} alt="" width={size} height={size} loading="lazy" /> : name.slice(0, 1).toUpperCase()}
    {size >= 30 && status && status !== 'offline' && <span className={`presence presence-${status}`} />}
  </span>
}
