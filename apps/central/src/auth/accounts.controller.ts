import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { accountCreated, managedAccount } from '@beffroi/api';
import { z } from 'zod';
import { login, password, role } from '../central.config';
import { parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { TenantService } from '../tenants/tenant.service';
import { AccountsService } from './accounts.service';
import { CurrentCaller } from './auth.guard';
import { AuthService } from './auth.service';
import { type Caller, requireRole } from './caller';

export const accountBody = z.strictObject({
  login,
  name: z.string({ error: 'expected text' }).trim().min(1, { error: 'expected a name' }).max(200),
  role,
  /** A syndicate id or a commune INSEE code within the caller's tenant. */
  tenant: z.string({ error: 'expected a syndicate id or a commune INSEE code' }).min(1).max(64),
  password,
});
export const passwordResetBody = z.strictObject({ password });
const loginParam = { login: { description: 'The login of the account.' } };
const PASSWORD_RULES =
  'A password needs at least 12 characters (at most 128), must not be a common password nor contain the login.';

/** A syndicate admin manages the accounts of its syndicate and its communes. */
@Controller('api/accounts')
export class AccountsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly auth: AuthService,
    private readonly tenants: TenantService,
  ) {}

  @Get()
  @ApiDoc({
    tag: 'auth',
    summary: 'List the accounts of my tenant',
    returns: '`[{login, name, role, tenant, createdAt, disabledAt}]`, by login.',
    response: z.array(managedAccount),
    errors: ['forbidden'],
  })
  listAccounts(@CurrentCaller() caller: Caller) {
    return this.accounts.list(caller);
  }

  @Post()
  @ApiDoc({
    tag: 'auth',
    summary: 'Create an account',
    description: `A syndicate admin creates accounts for its syndicate or any of its communes. ${PASSWORD_RULES}`,
    body: accountBody,
    returns: '`{id, login}` of the account created.',
    response: accountCreated,
    errors: ['forbidden', 'notFound', 'conflict'],
  })
  async createAccount(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    const account = parseInput(accountBody, body, 'account');
    requireRole(caller, 'manageAccounts');
    await this.tenants.requireTenant(caller, account.tenant);
    return this.auth.createAccount(account, caller.login);
  }

  @Post(':login/disable')
  @HttpCode(200)
  @ApiDoc({
    tag: 'auth',
    summary: 'Disable an account',
    description: 'Its sessions end at once, with the event streams they opened. An admin cannot disable itself.',
    params: loginParam,
    returns: 'The account.',
    response: managedAccount,
    errors: ['forbidden', 'notFound', 'conflict'],
  })
  disableAccount(@CurrentCaller() caller: Caller, @Param('login') target: string) {
    return this.accounts.setDisabled(caller, target, true);
  }

  @Post(':login/enable')
  @HttpCode(200)
  @ApiDoc({
    tag: 'auth',
    summary: 'Enable a disabled account again',
    params: loginParam,
    returns: 'The account.',
    response: managedAccount,
    errors: ['forbidden', 'notFound'],
  })
  enableAccount(@CurrentCaller() caller: Caller, @Param('login') target: string) {
    return this.accounts.setDisabled(caller, target, false);
  }

  @Put(':login/password')
  @HttpCode(204)
  @ApiDoc({
    tag: 'auth',
    summary: "Reset an account's password",
    description: `The admin sets a new password; the account's sessions end. ${PASSWORD_RULES}`,
    params: loginParam,
    body: passwordResetBody,
    returns: 'Nothing.',
    errors: ['forbidden', 'notFound'],
  })
  async resetAccountPassword(@CurrentCaller() caller: Caller, @Param('login') target: string, @Body() body: unknown) {
    await this.accounts.resetPassword(caller, target, parseInput(passwordResetBody, body, 'password reset').password);
  }
}
