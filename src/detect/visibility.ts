// Whether a person could see and use an element now. Hidden inputs of honeypots, closed
// modals and off-screen accessibility tricks all count as not visible.

export function isVisible(el: Element): boolean {
  const input = el as HTMLInputElement;
  if (el.localName === 'input' && input.type === 'hidden') return false;
  const rect = el.getBoundingClientRect();
  if (rect.width < 3 || rect.height < 3) return false;
  const view = el.ownerDocument.defaultView;
  const pageW = Math.max(el.ownerDocument.documentElement.scrollWidth, view?.innerWidth ?? 0);
  const scrollX = view?.scrollX ?? 0;
  const scrollY = view?.scrollY ?? 0;
  if (rect.right + scrollX <= 0 || rect.bottom + scrollY <= 0 || rect.left + scrollX >= pageW + 50) return false;
  if (typeof el.checkVisibility === 'function' && !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
  const style = view?.getComputedStyle(el);
  if (style) {
    if (style.visibility === 'hidden' || style.visibility === 'collapse') return false;
    if (Number(style.opacity) < 0.05) return false;
    if (style.clip === 'rect(0px, 0px, 0px, 0px)' || style.clipPath === 'inset(50%)') return false;
  }
  if (el.closest('[aria-hidden="true"], [hidden], [inert]')) return false;
  return true;
}

/**
 * An image button whose picture did not load (a saved page without its images) has no size,
 * yet the page shows it: only the author's hiding (display, visibility, hidden) says otherwise.
 */
export function imageButtonWithoutPicture(el: Element): boolean {
  if (el.localName !== 'input' || (el.getAttribute('type') || '').toLowerCase() !== 'image') return false;
  const rect = el.getBoundingClientRect();
  if (rect.width >= 3 && rect.height >= 3) return false;
  if (typeof el.checkVisibility === 'function' && !el.checkVisibility({ visibilityProperty: true })) return false;
  return el.hasAttribute('src') && !el.closest('[aria-hidden="true"], [hidden], [inert]');
}

/** Class names that hide a box, or make it a drop-down menu shown only on hover or click. */
const TUCKED_CLASS = /^(hidden|hide|is-hidden|d-none|invisible|hidden_elem|submenu|sub-menu|is-dropdown-submenu|dropdown-menu|dropdown-content)$/;
const OPENED_CLASS = /^(show|shown|open|opened|is-open|active|is-active|in|expanded|js-dropdown-active)$/;

/**
 * Whether the author has put the element out of the way with a class: hidden until a script
 * shows it, or inside a drop-down menu. Saved pages often lack the stylesheet, so the element
 * still renders there; the class is what says it is not on show.
 */
export function tuckedAway(el: Element): boolean {
  for (let c: Element | null = el; c && c.localName !== 'body'; c = c.parentElement) {
    const cls = c.getAttribute('class');
    if (!cls) continue;
    const tokens = cls.toLowerCase().split(/\s+/);
    if (!tokens.some((t) => TUCKED_CLASS.test(t))) continue;
    // A menu someone has opened carries its state beside the menu class, or on its parent.
    const opened = (e: Element | null) => !!e && (e.getAttribute('class') || '').toLowerCase().split(/\s+/).some((t) => OPENED_CLASS.test(t));
    if (!opened(c) && !opened(c.parentElement)) return true;
  }
  return false;
}
