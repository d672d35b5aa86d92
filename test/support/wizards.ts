// The dashboard's wizards driven in the browser, as a creator clicks through them: a new item
// from a project page, then its details, pricing, AI label and review steps up to Publish.
import type { Page } from 'playwright-core';

export type PriceKind = 'Free' | 'Fixed price' | 'Pay what you want';

export interface ItemSteps {
  description: string;
  /** The text of a text item (Markdown, with an optional preview marker). */
  body?: string;
  /** Typed into the tag field, or a function that fills it (the typeahead). */
  tags?: string | ((page: Page) => Promise<void>);
  price: { kind: PriceKind; amount?: string; suggested?: string };
  /** Audio and video: what fans who have not bought it hear or see. */
  preview?: { mode: 'The first seconds' | 'A few full plays' | 'No preview'; seconds?: string; plays?: string };
  /** Called on the details step once it is filled, and on the review step before Publish. */
  onDetails?: (page: Page) => Promise<void>;
  onReview?: (page: Page) => Promise<void>;
}

/** Creator onboarding from the account page: a tier and the payout currency; ends on the dashboard. */
export async function becomeCreator(page: Page, o: { tier: string; currency: string; beforeSubmit?: (page: Page) => Promise<void> }) {
  await page.getByRole('link', { name: 'Become a creator' }).click();
  await page.getByRole('heading', { name: 'Become a creator' }).waitFor();
  await page.getByRole('radio', { name: new RegExp(o.tier) }).check();
  await page.getByLabel('Currency for your prices and payouts').selectOption(o.currency);
  await o.beforeSubmit?.(page);
  await page.getByRole('button', { name: 'Start creating' }).click();
  await page.waitForURL(/\/dashboard$/);
  await page.getByText('You are a creator now').waitFor();
}

/** The project wizard from the dashboard: basics, review, create and publish; returns the project's dashboard URL. */
export async function createProject(page: Page, p: { title: string; description: string; onReview?: (page: Page) => Promise<void> }): Promise<string> {
  await page.getByRole('link', { name: 'Create your first project' }).last().click();
  await page.getByLabel('Title').fill(p.title);
  await page.getByLabel('Description').fill(p.description);
  await page.getByRole('button', { name: 'Next: review' }).click();
  await page.getByRole('heading', { name: 'Review your project' }).waitFor();
  await p.onReview?.(page);
  await page.getByRole('button', { name: 'Create and publish' }).click();
  await page.getByText('Project created and published').waitFor();
  return page.url();
}

/** "Add item" on the project's dashboard page: type and title; returns the new item's id. */
export async function addItem(page: Page, projectUrl: string, typeLabel: string, title: string): Promise<string> {
  await page.goto(projectUrl);
  await page.getByRole('link', { name: 'Add item', exact: true }).click();
  await page.getByRole('radio', { name: new RegExp(`^${typeLabel}\\b`) }).check();
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: /Create and continue/ }).click();
  await page.waitForURL(/\/dashboard\/items\/[0-9a-f-]{36}\/edit\?step=details$/);
  return /\/items\/([0-9a-f-]{36})\//.exec(page.url())![1]!;
}

/** From the details step (already open) through every step to Published. */
export async function completeItemWizard(page: Page, s: ItemSteps) {
  await page.getByLabel('Description').fill(s.description);
  if (s.body !== undefined) await page.getByLabel('Text', { exact: true }).fill(s.body);
  if (typeof s.tags === 'string') await page.getByLabel('Tags', { exact: true }).fill(s.tags);
  else if (s.tags) await s.tags(page);
  await s.onDetails?.(page);
  await page.getByRole('button', { name: /Save and continue/ }).click();
  await page.waitForURL(/step=pricing$/);
  await page.getByRole('radio', { name: new RegExp(`^${s.price.kind}\\b`) }).check();
  if (s.price.amount !== undefined) await page.getByLabel(/^Price, or the minimum/).fill(s.price.amount);
  if (s.price.suggested !== undefined) await page.getByLabel(/^Suggested amount/).fill(s.price.suggested);
  if (s.preview) {
    await page.getByRole('radio', { name: new RegExp(`^${s.preview.mode}\\b`) }).check();
    if (s.preview.seconds) await page.getByLabel(/^Clip length in seconds/).fill(s.preview.seconds);
    if (s.preview.plays) await page.getByLabel(/^Full plays per listener/).fill(s.preview.plays);
  }
  await page.getByRole('button', { name: /Save and continue/ }).click();
  await page.waitForURL(/step=ai$/);
  await page.getByRole('radio', { name: /^Handmade — no generative AI/ }).check();
  await page.getByRole('button', { name: /Save and continue/ }).click();
  await page.waitForURL(/step=review$/);
  await s.onReview?.(page);
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByText(/^Published\./).waitFor();
}
