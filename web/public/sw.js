// Parley's service worker: it shows the Web Push notifications the server
// sends while no Parley tab is open (docs/notifications.md#web-push), and a
// click on one focuses a Parley window on the message or opens one. It
// caches nothing: Parley needs the server anyway.
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()))

self.addEventListener('push', (e) => {
  let m = {}
  try { m = e.data ? e.data.json() : {} } catch { m = { body: e.data ? e.data.text() : '' } }
  const url = new URL(m.url || './', self.registration.scope).href
  // The tag is the post's, as for the notifications an open tab shows, so
  // one message never shows twice.
  e.waitUntil(self.registration.showNotification(m.title || 'Parley', {
    body: m.body || '', tag: m.post_id || m.channel_id || undefined, icon: 'icon-192.png', badge: 'icon-192.png',
    data: { url, channel_id: m.channel_id, post_id: m.post_id },
  }))
})

self.addEventListener('notificationclick', (e) => {
  e.notification.close()
  const url = e.notification.data?.url || self.registration.scope
  e.waitUntil((async () => {
    const wins = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
    const win = wins.find((w) => w.url.startsWith(self.registration.scope))
    if (win) {
      await win.focus()
      // The open client routes in place, without a reload.
      win.postMessage({ type: 'parley-open', url })
      return
    }
    await self.clients.openWindow(url)
  })())
})
