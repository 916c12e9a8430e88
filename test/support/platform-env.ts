/**
 * Gateway limits high enough that a test registering dozens of users and opening many
 * sockets from one address is never rate limited. Tests of the limits set their own.
 */
export const generousGatewayLimits: NodeJS.ProcessEnv = {
  RATE_LIMIT_AUTH_MAX: '10000',
  RATE_LIMIT_USER_MAX: '100000',
  RATE_LIMIT_PUBLIC_MAX: '100000',
};
