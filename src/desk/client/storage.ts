/** Removes every localStorage key that matches (collected first: removing while iterating skips keys). */
export function removeKeys(match: (key: string) => boolean): void {
  const gone: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (k !== null && match(k)) gone.push(k);
  }
  gone.forEach((k) => localStorage.removeItem(k));
}
