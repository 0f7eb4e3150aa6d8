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

/** Whether a role may change the shared board. Enforced by the relay, mirrored by the UI. */
export function canEditBoard(role: Role): boolean {
  return role !== Role.Observer
}
