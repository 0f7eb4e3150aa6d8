import type { LucideIcon } from 'lucide-react'
import { forwardRef, type AnchorHTMLAttributes, type ButtonHTMLAttributes } from 'react'

/** Icon size in the top bar and other compact controls (px). */
export const ICON_PX = 16

interface Common {
  icon: LucideIcon
  /** The visible label and the accessible name. */
  label: string
  /**
   * `collapse`: in the room's top bar the label becomes visually hidden (still the accessible
   * name, and a tooltip) at narrow widths, so the bar keeps to one row.
   */
  collapse?: boolean
}

/** A button with an icon and a text label; the label stays its accessible name when collapsed. */
export const IconButton = forwardRef<HTMLButtonElement, Common & ButtonHTMLAttributes<HTMLButtonElement>>(
  function IconButton({ icon: Icon, label, collapse = false, className = 'small', title, ...rest }, ref) {
    return (
      <button
        ref={ref}
        type="button"
        className={`${className} icon-button${collapse ? ' collapsible' : ''}`}
        title={title ?? label}
        {...rest}
      >
        <Icon size={ICON_PX} aria-hidden="true" focusable="false" />
        <span className="label">{label}</span>
      </button>
    )
  }
)

/** A link styled as a small button, with an icon and a label (collapsible like {@link IconButton}). */
export function IconLink({
  icon: Icon,
  label,
  collapse = false,
  className = 'button small',
  title,
  ...rest
}: Common & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a className={`${className} icon-button${collapse ? ' collapsible' : ''}`} title={title ?? label} {...rest}>
      <Icon size={ICON_PX} aria-hidden="true" focusable="false" />
      <span className="label">{label}</span>
    </a>
  )
}
