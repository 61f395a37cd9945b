import { Client4, WebSocketClient } from '@mattermost/client'

export const basePath = ''
export const client = new Client4()
client.setUrl(window.location.origin + basePath)
client.setIncludeCookies(true)

export const ws = new WebSocketClient({ maxWebSocketRetryTime: 60000 } as any)

export function wsUrl(): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${proto}//${window.location.host}${basePath}/api/v4/websocket`
}

export function hasSessionCookie(): boolean {
  return /(^|;\s*)MMUSERID=/.test(document.cookie)
}

export function errMessage(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: string }).message)
  return String(e)
}

export function errStatus(e: unknown): number | undefined {
  return (e as { status_code?: number })?.status_code
}
