import { useState } from 'react'

/** A read-only link with a copy button that says when it worked. */
export function CopyField({ label, value, id }: { label: string; value: string; id: string }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle')
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value)
      setCopied('copied')
    } catch {
      // Clipboard blocked (insecure origin or permissions): select the text so Ctrl+C works.
      ;(document.getElementById(id) as HTMLInputElement | null)?.select()
      setCopied('failed')
    }
    setTimeout(() => setCopied('idle'), 2000)
  }
  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} data-testid={`${id}`} />
        <button type="button" onClick={copy} aria-label={`Copy ${label}`}>
          {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Press Ctrl+C' : 'Copy'}
        </button>
      </div>
    </div>
  )
}
