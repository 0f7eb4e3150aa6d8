import { z } from 'zod'

export const TRACKS = ['backend', 'ml'] as const
export const DIFFICULTIES = ['medium', 'hard'] as const

const text = z.string().trim().min(1)
const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case words joined by hyphens')

/** One phase of the session, with its time budget. */
export const PhaseSchema = z
  .object({
    id: slug,
    title: text,
    minutes: z.number().int().min(1).max(60),
    /** What the candidate should get done in this phase (interviewer guidance). */
    goals: z.array(text).min(1),
  })
  .strict()

/** A back-of-envelope number: what is estimated, the figure, how it is reached. */
export const EstimateSchema = z.object({ label: text, value: text, reasoning: text }).strict()

/** One dimension of the scorecard; scored 1–4. */
export const RubricDimensionSchema = z
  .object({
    id: slug,
    title: text,
    /** What separates a 4 from a 1 on this dimension. */
    description: text,
  })
  .strict()

export const PromptSchema = z
  .object({
    id: slug,
    title: text,
    /** The problem as the candidate reads it. */
    statement: text,
    track: z.enum(TRACKS),
    difficulty: z.enum(DIFFICULTIES),
    tags: z.array(text).min(1),
    /** Suggested length of the session; equals the sum of the phase budgets. */
    durationMinutes: z.number().int().min(15).max(90),
    phases: z.array(PhaseSchema).min(3),
    /** Questions a strong candidate asks before designing. */
    clarifyingQuestions: z.array(text).min(3),
    requirements: z.object({ functional: z.array(text).min(2), nonFunctional: z.array(text).min(2) }).strict(),
    estimates: z.array(EstimateSchema).min(2),
    /** 3–6 hints, from a gentle nudge to a near-answer. Revealed one at a time. */
    hints: z.array(text).min(3).max(6),
    deepDives: z.array(text).min(2),
    /** What a strong answer covers. */
    strongAnswer: z.array(text).min(3),
    rubric: z.array(RubricDimensionSchema).min(3),
    /** Set on the flagship prompt: the architecture topics its guidance draws on. */
    topics: z.array(z.object({ title: text, notes: z.array(text).min(1) }).strict()).optional(),
  })
  .strict()
  .superRefine((prompt, ctx) => {
    const total = prompt.phases.reduce((sum, p) => sum + p.minutes, 0)
    if (total !== prompt.durationMinutes) {
      ctx.addIssue({
        code: 'custom',
        path: ['phases'],
        message: `phase budgets add up to ${total}, not ${prompt.durationMinutes}`,
      })
    }
    const ids = new Set<string>()
    for (const [i, phase] of prompt.phases.entries()) {
      if (ids.has(phase.id))
        ctx.addIssue({ code: 'custom', path: ['phases', i, 'id'], message: `duplicate phase id ${phase.id}` })
      ids.add(phase.id)
    }
  })

export type Prompt = z.infer<typeof PromptSchema>
export type Phase = z.infer<typeof PhaseSchema>
export type RubricDimension = z.infer<typeof RubricDimensionSchema>
export type Track = (typeof TRACKS)[number]
export type Difficulty = (typeof DIFFICULTIES)[number]

/**
 * What a candidate or observer may see of a prompt: everything needed to work on it, none of
 * the interviewer's guidance (hints, expected numbers, strong answer, rubric details).
 */
export const PublicPromptSchema = z.object({
  id: slug,
  title: text,
  statement: text,
  track: z.enum(TRACKS),
  difficulty: z.enum(DIFFICULTIES),
  tags: z.array(text),
  durationMinutes: z.number().int(),
  phases: z.array(z.object({ id: slug, title: text, minutes: z.number().int() })),
  hintCount: z.number().int(),
})
export type PublicPrompt = z.infer<typeof PublicPromptSchema>

/** Strip a prompt to its candidate-safe fields. Built field by field, so a new private field stays private. */
export function toPublicPrompt(prompt: Prompt): PublicPrompt {
  return {
    id: prompt.id,
    title: prompt.title,
    statement: prompt.statement,
    track: prompt.track,
    difficulty: prompt.difficulty,
    tags: [...prompt.tags],
    durationMinutes: prompt.durationMinutes,
    phases: prompt.phases.map(({ id, title, minutes }) => ({ id, title, minutes })),
    hintCount: prompt.hints.length,
  }
}
