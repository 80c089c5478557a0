import { account, loginRequest, loginResponse } from '@beffroi/api';
import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import { login, password, role } from '../central.config';
import { parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { CurrentCaller, CurrentToken, Public } from './auth.guard';
import { AuthService } from './auth.service';
import { type Caller, requireRole } from './caller';
import { TenantService } from '../tenants/tenant.service';

/** The console's contract (`@beffroi/api`) is what the route validates. */
export const loginBody = loginRequest;

export const accountBody = z.strictObject({
  login,
  name: z.string({ error: 'expected text' }).trim().min(1, { error: 'expected a name' }).max(200),
  role,
  /** A syndicate id or a commune INSEE code within the caller's tenant. */
  tenant: z.string({ error: 'expected a syndicate id or a commune INSEE code' }).min(1).max(64),
  password,
});

@Controller('api')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tenants: TenantService,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiDoc({
    tag: 'auth',
    summary: 'Log in',
    body: loginBody,
    returns: '`{token, account}`: the session token for `Authorization: Bearer <token>`, and who is logged in.',
    response: loginResponse,
    errors: ['unauthenticated'],
  })
  async login(@Body() body: unknown) {
    const { login, password } = parseInput(loginBody, body, 'login');
    const { token, caller } = await this.auth.login(login, password);
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

  /** A syndicate admin creates accounts for its syndicate or any of its communes. */
  @Post('accounts')
  @ApiDoc({
    tag: 'auth',
    summary: 'Create an account',
    description: 'A syndicate admin creates accounts for its syndicate or any of its communes.',
    body: accountBody,
    returns: '`{id, login}` of the account created.',
    errors: ['forbidden', 'notFound', 'conflict'],
  })
  async createAccount(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    const account = parseInput(accountBody, body, 'account');
    requireRole(caller, 'manageAccounts');
    await this.tenants.requireTenant(caller, account.tenant);
    return this.auth.createAccount(account, caller.login);
  }
}
