import { Role } from '@loopboard/protocol'
import { useState, type KeyboardEvent, type ReactNode } from 'react'
import type { Editor } from 'tldraw'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { CandidatePanel } from '../interview/CandidatePanel.tsx'
import { InterviewerPanel } from '../interview/InterviewerPanel.tsx'
import { isInterviewerView, useInterviewStore } from '../interview/interviewStore.ts'
import { NotesPanel } from '../interview/NotesPanel.tsx'
import { ScorecardPanel } from '../interview/ScorecardPanel.tsx'
import { SharedNotes } from '../interview/SharedNotes.tsx'
import { ParticipantsPanel } from './ParticipantsPanel.tsx'
import { useRoomStore } from './roomStore.ts'

interface Tab {
  id: string
  label: string
  render: () => ReactNode
}

/** The panel beside the board: the interview, notes, scorecard, shared notes, people — by role. */
export function Sidebar({
  role,
  editor,
  doc,
  awareness,
}: {
  role: Role
  editor: Editor | null
  doc: Y.Doc
  awareness: Awareness
}) {
  const view = useInterviewStore((s) => s.view)
  const participants = useRoomStore((s) => s.participants)
  const candidateName = participants.find((p) => p.role === Role.Candidate)?.name
  const interviewer = role === Role.Interviewer && isInterviewerView(view)
  const tabs: Tab[] = [
    {
      id: 'interview',
      label: 'Interview',
      render: () =>
        interviewer ? <InterviewerPanel view={view} /> : <CandidatePanel showFeedback={role === Role.Candidate} />,
    },
    ...(interviewer
      ? [
          { id: 'notes', label: 'My notes', render: () => <NotesPanel editor={editor} /> },
          {
            id: 'scorecard',
            label: 'Scorecard',
            render: () => <ScorecardPanel view={view} candidateName={candidateName} />,
          },
        ]
      : role === Role.Observer
        ? [{ id: 'notes', label: 'My notes', render: () => <NotesPanel editor={editor} observer /> }]
        : []),
    {
      id: 'shared',
      label: 'Shared notes',
      render: () => <SharedNotes key={doc.guid} doc={doc} awareness={awareness} readOnly={role === Role.Observer} />,
    },
    { id: 'people', label: `People (${participants.length})`, render: () => <ParticipantsPanel editor={editor} /> },
  ]
  const [selected, setSelected] = useState('interview')
  const active = tabs.find((t) => t.id === selected) ?? tabs[0]!

  const onKeyDown = (event: KeyboardEvent) => {
    const i = tabs.indexOf(active)
    const next =
      event.key === 'ArrowRight'
        ? tabs[(i + 1) % tabs.length]
        : event.key === 'ArrowLeft'
          ? tabs[(i - 1 + tabs.length) % tabs.length]
          : null
    if (!next) return
    event.preventDefault()
    setSelected(next.id)
    document.getElementById(`tab-${next.id}`)?.focus()
  }

  return (
    <aside className="sidebar" aria-label="Interview sidebar">
      <div role="tablist" aria-label="Sidebar" className="tabs" onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button
            key={tab.id}
            id={`tab-${tab.id}`}
            role="tab"
            type="button"
            aria-selected={tab === active}
            aria-controls={`panel-${tab.id}`}
            tabIndex={tab === active ? 0 : -1}
            onClick={() => setSelected(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${active.id}`} aria-labelledby={`tab-${active.id}`} className="tab-panel">
        {active.render()}
      </div>
    </aside>
  )
}
