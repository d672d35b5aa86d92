// Small helpers shared by the dashboard's route files: page rendering, flash, form reading.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { Deps } from '../../../deps.ts';
import type { AppEnv, Flash, Viewer } from '../../../platform/http/context.ts';
import { setFlash } from '../../../platform/http/flash.ts';
import { renderPage, type PageOptions } from '../../../ui/render.tsx';

export type C = Context<AppEnv>;
export type Body = Record<string, unknown>;

export function dashboardHelpers(deps: Deps) {
  const devMode = deps.config.env === 'development';
  return {
    page: (c: C, title: string, body: Child, status?: PageOptions['status']) => renderPage(c, { title, devMode, status }, body),
    flash: (c: C, kind: Flash['kind'], message: string) => setFlash(c, deps.config, kind, message),
    /** Every dashboard route sits behind requireCreator, so the viewer is always there. */
    viewer: (c: C): Viewer => c.get('viewer')!,
  };
}

/** What the user typed, to show again beside the errors (capped: a huge field is not echoed whole). */
export function typedValues(body: Body, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (typeof body[k] === 'string') out[k] = (body[k] as string).slice(0, 120_000);
  return out;
}

/** The listed keys of a form body, and nothing else (a step saves only its own fields). */
export function pick(body: Body, keys: string[]): Body {
  const out: Body = {};
  for (const k of keys) if (k in body) out[k] = body[k];
  return out;
}

/** Checkbox ids from a form parsed with { all: true }: one or many, strings only, bounded. */
export function idList(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return [...new Set(list.filter((v): v is string => typeof v === 'string'))].slice(0, 1000);
}

export const firstString = (raw: unknown): string => (typeof raw === 'string' ? raw : Array.isArray(raw) && typeof raw[0] === 'string' ? raw[0] : '');

/** "“A”, “B” and 3 more" — for flash messages, which live in a small cookie. */
export function titleList(titles: string[], max = 3): string {
  const shown = titles.slice(0, max).map((t) => `“${[...t].length > 40 ? `${[...t].slice(0, 39).join('')}…` : t}”`);
  const rest = titles.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(shown.length === 2 ? ' and ' : ', ');
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
