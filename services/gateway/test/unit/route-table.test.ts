import { describe, expect, it } from 'vitest';
import { matchRoute, normalizePath } from '../../src/route-table.ts';

describe('matchRoute', () => {
  it.each([
    ['/.well-known/jwks.json', 'auth', false, 'public'],
    ['/api/auth/register', 'auth', false, 'auth'],
    ['/api/auth/login', 'auth', false, 'auth'],
    ['/api/auth/refresh', 'auth', false, 'auth'],
    ['/api/auth/logout', 'auth', false, 'public'],
    ['/api/auth/username-available', 'auth', false, 'public'],
    ['/api/users', 'user', true, 'user'],
    ['/api/users/me', 'user', true, 'user'],
    ['/api/users/0193a1b2-0000-7000-8000-000000000001', 'user', true, 'user'],
    ['/api/conversations', 'message', true, 'user'],
    ['/api/conversations/c1/messages', 'message', true, 'user'],
    ['/api/conversations/c1/members/u1', 'message', true, 'user'],
    ['/api/storage/uploads', 'storage', true, 'user'],
    ['/api/storage/attachments/a1', 'storage', true, 'user'],
  ])('routes %s', (path, upstream, authenticated, rateLimit) => {
    expect(matchRoute(path)).toEqual({ upstream, authenticated, rateLimit });
  });

  it.each([
    '/api',
    '/api/',
    '/api/usersX',
    '/api/user',
    '/api/authx/login',
    '/api/conversationsfoo',
    '/api/storage-x',
    '/.well-known/other.json',
    '/health/ready',
    '/',
  ])('has no route for %s', (path) => {
    expect(matchRoute(path)).toBeUndefined();
  });

  it('counts a trailing segment of a credential path as public', () => {
    expect(matchRoute('/api/auth/login/extra')?.rateLimit).toBe('public');
  });
});

describe('normalizePath', () => {
  it.each([
    ['/api/users?query=a', '/api/users'],
    ['/api/auth/../users/me', '/api/users/me'],
    ['/api/auth/%2e%2e/conversations', '/api/conversations'],
    ['/api/./users', '/api/users'],
    ['/api/users/a%20b', '/api/users/a%20b'],
    ['//api/users', '//api/users'],
  ])('turns %s into %s', (url, path) => {
    expect(normalizePath(url)).toBe(path);
  });

  it('cannot climb above the root', () => {
    expect(normalizePath('/../../api/users')).toBe('/api/users');
  });
});

describe('matchRoute with percent-escapes', () => {
  it.each([
    ['/api/auth/%6cogin', 'auth'],
    ['/api/auth/%72egister', 'auth'],
    ['/api/auth/%72efresh', 'auth'],
    ['/api/%61uth/login', 'auth'],
  ])('classifies %s under the credential limit', (path, rateLimit) => {
    expect(matchRoute(path)?.rateLimit).toBe(rateLimit);
  });

  it('finds no route for a malformed escape', () => {
    expect(matchRoute('/api/auth/%zz')).toBeUndefined();
  });
});
