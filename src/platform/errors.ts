// The small typed set of errors services throw. Mapped to a status and a page in one place
// (platform/http.ts); anything else is a bug and becomes a logged 500.
export class AppError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFound extends AppError {
  constructor(message = 'We could not find that page.') { super(404, message); }
}

export class Forbidden extends AppError {
  constructor(message = 'You are not allowed to do that.') { super(403, message); }
}

export class Conflict extends AppError {
  constructor(message: string) { super(409, message); }
}

export class Unavailable extends AppError {
  constructor(message = 'This is temporarily unavailable. Please try again shortly.') { super(503, message); }
}

/** 507: our file storage has no room left. Not the creator's allowance (that is a 413). */
export class InsufficientStorage extends AppError {
  constructor(message: string) { super(507, message); }
}

export class TooManyRequests extends AppError {
  constructor(message: string, readonly retryAfterSeconds: number) { super(429, message); }
}

/** Field-level validation problems; forms re-render with these messages beside the fields. */
export class ValidationError extends AppError {
  constructor(readonly fields: Record<string, string>, message = 'Please correct the highlighted fields.') {
    super(422, message);
  }
}

export class BadRequest extends AppError {
  constructor(message: string, status: 400 | 413 | 415 = 400) { super(status, message); }
}
