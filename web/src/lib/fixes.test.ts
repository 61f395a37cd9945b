// Popup placement, system-message texts and deleted posts (issue 23).
import { describe, expect, it } from 'vitest'
import { placePopup } from './popup'
import { systemText, isEmptyPost, DELETED } from './system'

const view = { width: 1000, height: 800 }
const size = { width: 200, height: 160 }
const at = (top: number, left: number) => ({ top, bottom: top + 30, left, right: left + 30 })

describe('placePopup', () => {
  it('opens below the anchor when it fits', () => {
    expect(placePopup(at(100, 100), size, view)).toEqual({ top: 134, left: 100 })
  })
  it('flips above an anchor near the bottom (the newest message)', () => {
    const p = placePopup(at(700, 100), size, view)
    expect(p.top).toBe(700 - 4 - 160)
    expect(p.top + size.height).toBeLessThanOrEqual(view.height)
  })
  it('aligns right edges and clamps into the viewport', () => {
    expect(placePopup(at(100, 980), size, view, 'right').left).toBe(1000 - 8 - 200)
    expect(placePopup(at(100, 50), size, view, 'right').left).toBe(8)
  })
  it('clamps a popup taller than the space on either side', () => {
    const p = placePopup(at(300, 100), { width: 200, height: 700 }, view)
    expect(p.top).toBeGreaterThanOrEqual(8)
    expect(p.top + 700).toBeLessThanOrEqual(view.height - 8 + 0.001)
  })
})

const sys = (type: string, props: Record<string, unknown>, o: Record<string, unknown> = {}) =>
  ({ id: 'p', type, props, message: 'server text', user_id: 'u1', channel_id: 'c', create_at: 1, ...o }) as any
const users: Record<string, string> = { u1: 'carol', u2: 'dave' }
const name = (id: string) => users[id]

describe('system messages', () => {
  it('add to channel: names from props.username and props.addedUsername', () => {
    expect(systemText(sys('system_add_to_channel', { username: 'bob', addedUsername: 'alice' }), name)).toBe('@alice added to the channel by @bob.')
  })
  it('add to channel without usernames (old posts): looked up by userId and addedUserId', () => {
    expect(systemText(sys('system_add_to_channel', { userId: 'u1', addedUserId: 'u2' }), name)).toBe('@dave added to the channel by @carol.')
    expect(systemText(sys('system_add_to_channel', { username: '', userId: 'u1', addedUsername: 'alice' }), name)).toBe('@alice added to the channel by @carol.')
  })
  it('a system message whose props were cleared by an erasure reads "(message deleted)"', () => {
    expect(systemText(sys('system_add_to_channel', {}), name)).toBe(DELETED)
    expect(systemText(sys('system_remove_from_channel', {}), name)).toBe(DELETED)
  })
  it('join falls back to the author', () => {
    expect(systemText(sys('system_join_channel', {}), name)).toBe('@carol joined the channel.')
  })
  it('an anonymised post (empty message, no files) is empty; a post with text or files is not', () => {
    expect(isEmptyPost({ message: '', props: {}, metadata: {}, file_ids: [] } as any)).toBe(true)
    expect(isEmptyPost({ message: 'x', props: {}, metadata: {} } as any)).toBe(false)
    expect(isEmptyPost({ message: '', props: {}, metadata: { files: [{ id: 'f' }] } } as any)).toBe(false)
  })
})
