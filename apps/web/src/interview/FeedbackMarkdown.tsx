import Markdown from 'react-markdown'
import remarkGfm from 'remark-gfm'

/**
 * Feedback Markdown rendered as the candidate reads it: GitHub-flavoured (the score table),
 * raw HTML dropped rather than rendered, and react-markdown's default URL filter keeping
 * `javascript:` and other unsafe links out.
 */
export function FeedbackMarkdown({ markdown, testId }: { markdown: string; testId?: string }) {
  return (
    <div className="markdown" data-testid={testId}>
      <Markdown remarkPlugins={[remarkGfm]} skipHtml>
        {markdown}
      </Markdown>
    </div>
  )
}
