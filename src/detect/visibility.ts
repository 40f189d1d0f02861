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
