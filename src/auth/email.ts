/** What counts as an email address here: one @, no spaces. Deliverability is the mail server's call. */
export const EMAIL_PATTERN = '^[^@\\s]+@[^@\\s]+$';

const EMAIL = new RegExp(EMAIL_PATTERN);
export const isEmail = (s: string) => EMAIL.test(s);
