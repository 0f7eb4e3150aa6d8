import { MAX_NAME_LENGTH, type Role } from '@loopboard/protocol'
import { useState, type FormEvent } from 'react'
import { cleanName } from './identity.ts'

export function NamePrompt({ role, title, onSubmit }: { role: Role; title: string; onSubmit: (name: string) => void }) {
  const [value, setValue] = useState('')
  const name = cleanName(value)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (name) onSubmit(name)
  }
  return (
    <main className="screen">
      <form className="card" onSubmit={submit}>
        <h1>{title}</h1>
        <p>
          You are joining as <strong className={`role role-${role}`}>{role}</strong>. What should the others call you?
        </p>
        <label htmlFor="display-name">Your name</label>
        <input
          id="display-name"
          autoFocus
          autoComplete="name"
          maxLength={MAX_NAME_LENGTH}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="e.g. Ada"
        />
        <button type="submit" className="primary" disabled={!name}>
          Join the room
        </button>
      </form>
    </main>
  )
}
