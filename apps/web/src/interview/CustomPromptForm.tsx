import { useState, type FormEvent } from 'react'
import { useInterviewStore } from './interviewStore.ts'
import { useCommand } from './useCommand.ts'
import { DifficultySelect, ErrorText, TrackSelect } from './fields.tsx'

/** Add the interviewer's own prompt to this room. */
export function CustomPromptForm({ onCancel, onAdded }: { onCancel: () => void; onAdded: (promptId: string) => void }) {
  const commands = useInterviewStore((s) => s.commands)
  const [title, setTitle] = useState('')
  const [statement, setStatement] = useState('')
  const [track, setTrack] = useState<'backend' | 'ml'>('backend')
  const [difficulty, setDifficulty] = useState<'medium' | 'hard'>('medium')
  const [minutes, setMinutes] = useState(45)
  const [hints, setHints] = useState('')
  const [guidance, setGuidance] = useState('')
  const { busy, error, run } = useCommand()

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const ack = await run(() =>
      commands!.addPrompt({
        title,
        statement,
        track,
        difficulty,
        durationMinutes: minutes,
        hints: hints
          .split('\n')
          .map((h) => h.trim())
          .filter(Boolean),
        guidance,
      })
    )
    if (ack) onAdded(ack.promptId)
  }

  return (
    <form className="custom-prompt" onSubmit={submit} aria-labelledby="custom-title">
      <h2 id="custom-title">Your own prompt</h2>
      <label htmlFor="cp-title">Title</label>
      <input id="cp-title" required maxLength={120} value={title} onChange={(e) => setTitle(e.target.value)} />
      <label htmlFor="cp-statement">Statement (what the candidate reads)</label>
      <textarea
        id="cp-statement"
        required
        maxLength={4000}
        rows={4}
        value={statement}
        onChange={(e) => setStatement(e.target.value)}
      />
      <div className="filters">
        <TrackSelect value={track} onChange={(v) => setTrack(v || 'backend')} />
        <DifficultySelect value={difficulty} onChange={(v) => setDifficulty(v || 'medium')} />
        <input
          aria-label="Minutes"
          type="number"
          min={15}
          max={90}
          value={minutes}
          onChange={(e) => setMinutes(Number(e.target.value))}
        />
      </div>
      <label htmlFor="cp-hints">Hints, one per line, gentlest first (up to 6; private until revealed)</label>
      <textarea id="cp-hints" rows={3} value={hints} onChange={(e) => setHints(e.target.value)} />
      <label htmlFor="cp-guidance">What a strong answer covers (private)</label>
      <textarea
        id="cp-guidance"
        rows={3}
        maxLength={4000}
        value={guidance}
        onChange={(e) => setGuidance(e.target.value)}
      />
      <ErrorText error={error} />
      <p className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Add and use
        </button>
        <button type="button" onClick={onCancel}>
          Back to the bank
        </button>
      </p>
    </form>
  )
}
