import type { Generated } from 'kysely';

export interface AccountsTables {
  users: {
    id: Generated<string>;
    username: string;
    display_name: string;
    email: string;
    email_key: string;
    password_hash: string;
    email_verified_at: Date | null;
    is_creator: Generated<boolean>;
    is_admin: Generated<boolean>;
    role_version: Generated<number>;
    created_at: Generated<Date>;
  };
  sessions: {
    id: Generated<string>;
    token_hash: Buffer;
    user_id: string;
    role_version: number;
    user_agent: Generated<string>;
    ip: Generated<string>;
    created_at: Generated<Date>;
    last_seen_at: Generated<Date>;
    expires_at: Date;
  };
  account_tokens: {
    token_hash: Buffer;
    user_id: string;
    purpose: 'verify_email' | 'reset_password';
    email_key: string;
    expires_at: Date;
    used_at: Date | null;
    created_at: Generated<Date>;
  };
  login_failures: {
    key: string;
    failed_at: Generated<Date>;
  };
}
