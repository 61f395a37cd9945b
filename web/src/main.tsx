import { createRoot } from 'react-dom/client'
import { App } from './components/App'
import { boot } from './actions'
import { registerServiceWorker } from './lib/webpush'
import './styles.css'

createRoot(document.getElementById('root')!).render(<App />)
boot()
registerServiceWorker()

// For debugging and the end-to-end tests: the store, read-only by convention.
import { getState } from './store'
;(window as unknown as { parley: unknown }).parley = { getState }
