import { setState, useStore } from '../store'
import { Modal } from './Modals'

export interface ConfirmRequest { title: string; message: string; confirm: string; danger?: boolean; resolve: (ok: boolean) => void }

/** An in-app confirmation (instead of the browser's confirm()): resolves true when confirmed. */
export function confirmDialog(req: Omit<ConfirmRequest, 'resolve'>): Promise<boolean> {
  return new Promise((resolve) => setState({ confirm: { ...req, resolve } }))
}

export function ConfirmDialog() {
  const req = useStore((s) => s.confirm)
  if (!req) return null
  const done = (ok: boolean) => { setState({ confirm: undefined }); req.resolve(ok) }
  return <Modal title={req.title} onClose={() => done(false)}>
    <p>{req.message}</p>
    <div className="dialog-buttons">
      <button onClick={() => done(false)}>Cancel</button>
      <button className={req.danger ? 'primary danger-btn' : 'primary'} data-autofocus onClick={() => done(true)}>{req.confirm}</button>
    </div>
  </Modal>
}
