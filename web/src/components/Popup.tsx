import { useEffect, useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from 'react'
import { createPortal } from 'react-dom'
import { placePopup } from '../lib/popup'

// Open menus and dialogs, innermost last: Escape and an outside click close
// only the innermost one.
const open: RefObject<(() => void) | null>[] = []

/** Closes on Escape and on a pointer press outside `inside` (every menu and dialog uses it). */
export function useDismiss(inside: RefObject<HTMLElement | null>[], onClose: () => void, active = true) {
  const close = useRef(onClose)
  close.current = onClose
  useEffect(() => {
    if (!active) return
    const me: RefObject<(() => void) | null> = { current: () => close.current() }
    open.push(me)
    const top = () => open[open.length - 1] === me
    const down = (e: PointerEvent) => {
      if (!top() || inside.some((r) => r.current?.contains(e.target as Node))) return
      close.current()
    }
    const key = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || !top()) return
      e.stopPropagation()
      e.preventDefault()
      close.current()
    }
    document.addEventListener('pointerdown', down, true)
    document.addEventListener('keydown', key, true)
    return () => {
      open.splice(open.indexOf(me), 1)
      document.removeEventListener('pointerdown', down, true)
      document.removeEventListener('keydown', key, true)
    }
  }, [active])
}

/** A popup placed next to `anchor` in the viewport (flipped up or clamped), above everything else. */
export function Popup({ anchor, onClose, align = 'left', className = 'menu', role = 'menu', label, children, onClick }: {
  anchor: RefObject<HTMLElement | null>; onClose: () => void; align?: 'left' | 'right'; className?: string; role?: string; label?: string
  children: ReactNode; onClick?: () => void
}) {
  const ref = useRef<HTMLDivElement>(null)
  const [pos, setPos] = useState<{ top: number; left: number } | null>(null)
  useDismiss([ref, anchor], onClose)
  useLayoutEffect(() => {
    const place = () => {
      const a = anchor.current, el = ref.current
      if (!a || !el) return
      setPos(placePopup(a.getBoundingClientRect(), { width: el.offsetWidth, height: el.offsetHeight }, { width: window.innerWidth, height: window.innerHeight }, align))
    }
    place()
    window.addEventListener('resize', place)
    return () => window.removeEventListener('resize', place)
  }, [])
  useEffect(() => { // a menu takes the focus so the keyboard can use it, and gives it back to its button
    const el = ref.current
    if (role === 'menu') el?.querySelector<HTMLElement>('[role=menuitem]')?.focus({ preventScroll: true })
    return () => { if (el?.contains(document.activeElement)) anchor.current?.focus({ preventScroll: true }) }
  }, [])
  return createPortal(<div ref={ref} className={`${className} popup`} role={role} aria-label={label} onClick={onClick}
    style={{ top: pos?.top ?? 0, left: pos?.left ?? 0, visibility: pos ? 'visible' : 'hidden' }}
    onKeyDown={(e) => {
      if (role !== 'menu' || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return
      e.preventDefault()
      const items = [...ref.current!.querySelectorAll<HTMLElement>('[role=menuitem]')]
      const i = items.indexOf(document.activeElement as HTMLElement)
      items[(i + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length]?.focus()
    }}>{children}</div>, document.body)
}
