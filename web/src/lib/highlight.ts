// Syntax highlighting for code blocks, loaded on demand so the first load stays small.
import hljs from 'highlight.js/lib/core'
import bash from 'highlight.js/lib/languages/bash'
import css from 'highlight.js/lib/languages/css'
import diff from 'highlight.js/lib/languages/diff'
import go from 'highlight.js/lib/languages/go'
import java from 'highlight.js/lib/languages/java'
import javascript from 'highlight.js/lib/languages/javascript'
import json from 'highlight.js/lib/languages/json'
import python from 'highlight.js/lib/languages/python'
import rust from 'highlight.js/lib/languages/rust'
import sql from 'highlight.js/lib/languages/sql'
import typescript from 'highlight.js/lib/languages/typescript'
import xml from 'highlight.js/lib/languages/xml'
import yaml from 'highlight.js/lib/languages/yaml'
import c from 'highlight.js/lib/languages/c'
import cpp from 'highlight.js/lib/languages/cpp'

const langs = { bash, css, diff, go, java, javascript, json, python, rust, sql, typescript, xml, yaml, c, cpp }
for (const [n, l] of Object.entries(langs)) hljs.registerLanguage(n, l)
hljs.registerAliases(['sh', 'shell', 'zsh'], { languageName: 'bash' })
hljs.registerAliases(['js', 'jsx'], { languageName: 'javascript' })
hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' })
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' })
hljs.registerAliases(['golang'], { languageName: 'go' })
hljs.registerAliases(['py'], { languageName: 'python' })
hljs.registerAliases(['yml'], { languageName: 'yaml' })

export function highlightIn(el: HTMLElement) {
  el.querySelectorAll<HTMLElement>('pre code[class*="language-"]').forEach((code) => {
    if (code.dataset.highlighted) return
    const lang = /language-(\S+)/.exec(code.className)?.[1]
    if (lang && hljs.getLanguage(lang)) hljs.highlightElement(code)
  })
}
