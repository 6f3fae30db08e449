/** Minimal globs on snapshot paths: `**` any depth, `*` within a segment, `?` one character.
 * A pattern matches a path when it matches the path itself or one of its parent directories. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function makeMatcher(globs: string[] | undefined): (path: string) => boolean {
  if (!globs || globs.length === 0) return () => true;
  const res = globs.map((g) => globToRegExp(g.replace(/^\/+|\/+$/g, '')));
  return (path) => {
    const parts = path.split('/');
    for (let i = parts.length; i > 0; i--) {
      const prefix = parts.slice(0, i).join('/');
      if (res.some((r) => r.test(prefix))) return true;
    }
    return false;
  };
}

/** True when some file below `dir` could match (so the directory must be walked). */
export function mayContain(globs: string[] | undefined, dir: string): boolean {
  if (!globs || globs.length === 0) return true;
  return globs.some((g) => {
    const clean = g.replace(/^\/+|\/+$/g, '');
    const literal = clean.split(/[*?]/)[0]!;
    return (
      literal.startsWith(`${dir}/`) || literal === dir || `${dir}/`.startsWith(literal) || literal === ''
    );
  });
}
