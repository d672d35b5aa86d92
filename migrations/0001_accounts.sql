-- owner: accounts
-- Users, sessions, single-use email tokens and the failed-login log used for lockout.

CREATE TABLE users (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- canonical handle: NFKC-normalised, case-folded, [a-z0-9_-]{3,30}; what /@username uses
  username          text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_-]{3,30}$'),
  display_name      text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 60),
  email             text NOT NULL CHECK (length(email) <= 254),
  -- lower-cased NFKC form, for case-insensitive uniqueness and lookup
  email_key         text NOT NULL UNIQUE,
  password_hash     text NOT NULL,
  email_verified_at timestamptz,
  is_creator        boolean NOT NULL DEFAULT false,
  is_admin          boolean NOT NULL DEFAULT false,
  -- bumped on every privilege change; a session minted under an older version is rotated
  role_version      integer NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(), -- public handle, used to revoke
  token_hash   bytea NOT NULL UNIQUE,                      -- sha256 of the cookie value
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role_version integer NOT NULL,
  user_agent   text NOT NULL DEFAULT '',
  ip           text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL                         -- absolute expiry
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE account_tokens (
  token_hash bytea PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
  email_key  text NOT NULL, -- the address the token was sent to; a changed email invalidates it
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);

-- Failed logins, keyed by 'id:<identifier>' and 'ip:<address>' so lockout never reveals
-- whether an account exists.
CREATE TABLE login_failures (
  key        text NOT NULL,
  failed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_idx ON login_failures (key, failed_at);
