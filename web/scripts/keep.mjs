// dist/ is build output (ignored by git) but must exist in a fresh clone for
// go:embed; the build keeps its committed marker file.
import { writeFileSync } from 'node:fs'
writeFileSync(new URL('../dist/.gitkeep', import.meta.url), '')
