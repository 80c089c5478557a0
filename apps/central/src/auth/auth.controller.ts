import { account, loginRequest, loginResponse } from '@beffroi/api';
import { Body, Controller, Get, HttpCode, Post, Put, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { password } from '../central.config';
import { parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { CurrentCaller, CurrentToken, Public } from './auth.guard';
import { AuthService } from './auth.service';
import type { Caller } from './caller';

/** The console's contract (`@beffroi/api`) is what the route validates. */
export const loginBody = loginRequest;

export const passwordChangeBody = z.strictObject({ currentPassword: password, newPassword: password });

@Controller('api')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiDoc({
    tag: 'auth',
    summary: 'Log in',
    body: loginBody,
    description:
      'Failed logins are throttled by login and by client address: past a few failures each further attempt waits ' +
      'longer (429 with `Retry-After`), and many failures lock the login for a while, the right password included.',
    returns: '`{token, account}`: the session token for `Authorization: Bearer <token>`, and who is logged in.',
    response: loginResponse,
    errors: ['unauthenticated', 'tooManyAttempts'],
  })
  async login(@Body() body: unknown, @Req() request: Request) {
    const { login, password } = parseInput(loginBody, body, 'login');
    const { token, caller } = await this.auth.login(login, password, request.socket.remoteAddress ?? 'unknown');
    return { token, account: caller };
  }

  @Post('auth/logout')
  @HttpCode(204)
  @ApiDoc({ tag: 'auth', summary: 'End the session', returns: 'Nothing: the token is no longer accepted.' })
  async logout(@CurrentToken() token: string): Promise<void> {
    await this.auth.logout(token);
  }

  @Get('auth/me')
  @ApiDoc({
    tag: 'auth',
    summary: 'Who am I',
    returns: 'The account: login, role, syndicate or commune.',
    response: account,
  })
  me(@CurrentCaller() caller: Caller) {
    return caller;
  }

  @Put('auth/password')
  @HttpCode(204)
  @ApiDoc({
    tag: 'auth',
    summary: 'Change my password',
    description:
      'The current password is required (a wrong one counts as a failed login); the new one needs at least 12 ' +
      'characters, must not be a common password nor contain the login. Every other session of the account ends.',
    body: passwordChangeBody,
    returns: 'Nothing.',
    errors: ['tooManyAttempts'],
  })
  async changePassword(
    @CurrentCaller() caller: Caller,
    @CurrentToken() token: string,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<void> {
    const change = parseInput(passwordChangeBody, body, 'password change');
    await this.auth.changePassword(caller, token, change, request.socket.remoteAddress ?? 'unknown');
  }
}
