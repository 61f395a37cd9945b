// Where a popup (menu, picker) goes next to the element that opened it: below
// it when it fits, above it when it does not, and always inside the viewport.
export interface Box { top: number; bottom: number; left: number; right: number }

export function placePopup(anchor: Box, size: { width: number; height: number }, view: { width: number; height: number },
  align: 'left' | 'right' = 'left', gap = 4, margin = 8): { top: number; left: number } {
  let top = anchor.bottom + gap
  if (top + size.height > view.height - margin && anchor.top - gap - size.height >= margin) top = anchor.top - gap - size.height
  top = Math.max(margin, Math.min(top, view.height - margin - size.height))
  let left = align === 'right' ? anchor.right - size.width : anchor.left
  left = Math.max(margin, Math.min(left, view.width - margin - size.width))
  return { top, left }
}
