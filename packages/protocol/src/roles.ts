import { z } from 'zod'

/** Wire strings for the three capability roles of a room. */
export const Role = {
  Interviewer: 'interviewer',
  Candidate: 'candidate',
  Observer: 'observer',
} as const

export type Role = (typeof Role)[keyof typeof Role]

export const ROLES = [Role.Interviewer, Role.Candidate, Role.Observer] as const

export const RoleSchema = z.enum(ROLES)
