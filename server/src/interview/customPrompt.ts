import { randomBytes } from 'node:crypto'
import type { CustomPromptInputSchema } from '@loopboard/protocol'
import type { Prompt } from '@loopboard/prompts'
import type { z } from 'zod'

/** Phase template for a prompt that brings none: shares of the session, in order. */
const PHASE_TEMPLATE = [
  {
    id: 'clarify',
    title: 'Clarify requirements',
    share: 0.15,
    goal: 'Agree on scope, users and the must-have features.',
  },
  { id: 'estimate', title: 'Estimate scale', share: 0.1, goal: 'Rough numbers: traffic, storage, bandwidth.' },
  {
    id: 'high-level',
    title: 'High-level design',
    share: 0.3,
    goal: 'Main components and how data flows between them.',
  },
  { id: 'deep-dive', title: 'Deep dive', share: 0.35, goal: 'Go deep on the hardest part; discuss trade-offs.' },
  { id: 'wrap-up', title: 'Wrap-up', share: 0.1, goal: 'Bottlenecks, failure modes, what to do next.' },
] as const

const DEFAULT_RUBRIC: Prompt['rubric'] = [
  {
    id: 'requirements',
    title: 'Requirements and scoping',
    description: 'Asks the questions that matter and states clear, prioritised requirements.',
  },
  {
    id: 'high-level-design',
    title: 'High-level design',
    description: 'A coherent architecture that meets the requirements, explained step by step.',
  },
  {
    id: 'deep-dive',
    title: 'Deep dive and trade-offs',
    description: 'Goes deep on a hard part and weighs alternatives with reasons.',
  },
  {
    id: 'communication',
    title: 'Communication',
    description: 'Thinks aloud, structures the discussion, responds well to hints.',
  },
]

/** Split `minutes` over the template; rounding leftovers go to the deep dive. */
function templatePhases(minutes: number): Prompt['phases'] {
  const phases = PHASE_TEMPLATE.map((p) => ({
    id: p.id,
    title: p.title,
    minutes: Math.max(1, Math.floor(minutes * p.share)),
    goals: [p.goal],
  }))
  const used = phases.reduce((sum, p) => sum + p.minutes, 0)
  phases[3]!.minutes += minutes - used
  return phases
}

/** Turn an interviewer's own prompt into a full prompt, with the default phases and rubric. */
export function buildCustomPrompt(input: z.output<typeof CustomPromptInputSchema>): Prompt {
  return {
    id: `custom-${randomBytes(4).toString('hex')}`,
    title: input.title,
    statement: input.statement,
    track: input.track,
    difficulty: input.difficulty,
    tags: input.tags.length ? input.tags : ['Custom'],
    durationMinutes: input.durationMinutes,
    phases: templatePhases(input.durationMinutes),
    clarifyingQuestions: [],
    requirements: { functional: [], nonFunctional: [] },
    estimates: [],
    hints: input.hints,
    deepDives: [],
    strongAnswer: input.guidance ? [input.guidance] : [],
    rubric: DEFAULT_RUBRIC,
  }
}
