import { DIFFICULTIES, TRACKS, type Difficulty, type Track } from '@loopboard/prompts/public'

const TRACK_LABELS: Record<Track, string> = { backend: 'Backend', ml: 'Machine learning' }
const DIFFICULTY_LABELS: Record<Difficulty, string> = { medium: 'Medium', hard: 'Hard' }

/** A command's error, announced to screen readers; nothing when there is none. */
export function ErrorText({ error }: { error: string | null | undefined }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null
}

interface SelectProps<T extends string> {
  value: T | ''
  onChange: (value: T | '') => void
  /** Label of an "any" choice (the empty value); without it a value is required. */
  anyLabel?: string
}

function EnumSelect<T extends string>({
  label,
  options,
  labels,
  value,
  onChange,
  anyLabel,
}: SelectProps<T> & {
  label: string
  options: readonly T[]
  labels: Record<T, string>
}) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as T | '')}>
      {anyLabel ? <option value="">{anyLabel}</option> : null}
      {options.map((option) => (
        <option key={option} value={option}>
          {labels[option]}
        </option>
      ))}
    </select>
  )
}

export const TrackSelect = (props: SelectProps<Track>) => (
  <EnumSelect label="Track" options={TRACKS} labels={TRACK_LABELS} {...props} />
)

export const DifficultySelect = (props: SelectProps<Difficulty>) => (
  <EnumSelect label="Difficulty" options={DIFFICULTIES} labels={DIFFICULTY_LABELS} {...props} />
)
