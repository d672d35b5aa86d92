// The authorisation matrix: every route the app registers (app.routes) × {anonymous, fan,
// another creator, the owner, an admin}, each with the status it must answer. A route added
// without an expectation fails the first test, so nobody can ship one unconsidered.
//
// Requests carry a valid CSRF token (CSRF has its own test) and no form fields, so the answer
// is about who may, not about what was sent: 303 to /login for visitors where an account is
// needed, 303 to onboarding or 403 for fans on creator pages, 404 for other people's ids (not
// 403, so existence does not leak), and the owner's real answer (often 422: empty form).
// Routes are tried in the table's order and each row's roles in ROLES order, owner next to
// last, so the few owner actions that change state (publish, refund, delete) come after the
// rows that need that state.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import type { TestClient } from '../support/client.ts';
import { makeCast, ROLES, type Cast, type Role } from './fixture.ts';

let t: TestApp;
let cast: Cast;
before(async () => {
  t = await createTestApp();
  cast = await makeCast(t);
});
after(() => t.close());

type Statuses = [anonymous: number, fan: number, other: number, owner: number, admin: number];
interface Row { path: (ids: Cast['ids']) => string; expect: Statuses; json?: boolean }

