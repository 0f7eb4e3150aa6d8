import type { PromptListResponse } from '@loopboard/protocol'
import { allTags, searchPrompts, type PublicPrompt } from '@loopboard/prompts/public'
import { useEffect, useMemo, useState } from 'react'
import { apiFetch } from '../lib/api.ts'
import { CustomPromptForm } from './CustomPromptForm.tsx'
import { useInterviewStore } from './interviewStore.ts'
import { useCommand } from './useCommand.ts'
import { DifficultySelect, ErrorText, TrackSelect } from './fields.tsx'

let bankCache: Promise<PublicPrompt[]> | null = null
function loadBank(): Promise<PublicPrompt[]> {
  bankCache ??= apiFetch('/api/prompts')
    .then((r) => r.json() as Promise<PromptListResponse>)
    .then((body) => body.prompts)
    .catch((error: unknown) => {
      bankCache = null
      throw error
    })
  return bankCache
}

/** Search and filter the prompt bank (and the room's own prompts), then set one. */
export function PromptPicker({
  customPrompts,
  currentId,
  onDone,
}: {
  customPrompts: PublicPrompt[]
  currentId: string | null
  onDone: () => void
}) {
  const commands = useInterviewStore((s) => s.commands)
  const [bank, setBank] = useState<PublicPrompt[] | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [query, setQuery] = useState('')
  const [track, setTrack] = useState<'' | 'backend' | 'ml'>('')
  const [difficulty, setDifficulty] = useState<'' | 'medium' | 'hard'>('')
  const [tag, setTag] = useState('')
  const [adding, setAdding] = useState(false)
  const { busy, error, run } = useCommand()

  useEffect(() => {
    loadBank().then(setBank, (e: Error) => setLoadError(e.message))
  }, [])

  const all = useMemo(() => [...customPrompts, ...(bank ?? [])], [bank, customPrompts])
  // One entry per tag however the prompts spell it (Trie/Tries); the filter matches every spelling.
  const tags = useMemo(() => allTags(all), [all])
  const results = searchPrompts(all, {
    query,
    track: track || undefined,
    difficulty: difficulty || undefined,
    tag: tag || undefined,
  })

  const choose = async (promptId: string) => {
    if (await run(() => commands!.setPrompt(promptId))) onDone()
  }

  if (adding)
    return <CustomPromptForm onCancel={() => setAdding(false)} onAdded={(id) => (setAdding(false), void choose(id))} />
  return (
    <section className="picker" aria-labelledby="picker-title">
      <h2 id="picker-title">Choose a prompt</h2>
      <input
        type="search"
        aria-label="Search prompts"
        placeholder="Search: playlist, CDN, ranking…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="filters">
        <TrackSelect value={track} onChange={setTrack} anyLabel="All tracks" />
        <DifficultySelect value={difficulty} onChange={setDifficulty} anyLabel="Any difficulty" />
        <select aria-label="Tag" value={tag} onChange={(e) => setTag(e.target.value)}>
          <option value="">Any tag</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <ErrorText error={error} />
      {loadError ? (
        <p className="error" role="alert">
          Could not load the prompt bank: {loadError}
        </p>
      ) : null}
      {!bank && !loadError ? (
        <p className="muted" role="status">
          Loading prompts…
        </p>
      ) : null}
      <ul className="prompt-list" aria-label="Prompts">
        {results.map((p) => (
          <li key={p.id} data-testid="prompt-option" data-prompt-id={p.id}>
            <div className="prompt-head">
              <strong>{p.title}</strong>
              <span className="muted">
                {p.track === 'ml' ? 'ML' : 'Backend'} · {p.difficulty} · {p.durationMinutes} min
              </span>
            </div>
            <p className="muted clamp">{p.statement}</p>
            <button
              type="button"
              className="small"
              disabled={busy || p.id === currentId}
              onClick={() => void choose(p.id)}
            >
              {p.id === currentId ? 'Current prompt' : 'Use this prompt'}
            </button>
          </li>
        ))}
      </ul>
      {bank && results.length === 0 ? (
        <p className="muted">No prompt matches. Clear a filter, or write your own.</p>
      ) : null}
      <p className="actions">
        <button type="button" onClick={() => setAdding(true)}>
          Write your own prompt…
        </button>
        {currentId ? (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        ) : null}
      </p>
    </section>
  )
}
