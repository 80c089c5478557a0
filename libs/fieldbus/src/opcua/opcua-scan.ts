import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import {
  AttributeIds,
  BrowseDirection,
  type ClientSession,
  MessageSecurityMode,
  NodeClass,
  NodeClassMask,
  type NodeId,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
} from 'node-opcua-client';

/** One endpoint the server offers: where, how secured, which logins. */
export interface OpcuaEndpointOffer {
  endpointUrl: string;
  securityMode: 'None' | 'Sign' | 'SignAndEncrypt' | 'Invalid';
  /** The policy's short name (`None`, `Basic256Sha256`…). */
  securityPolicy: string;
  userTokens: ('Anonymous' | 'UserName' | 'Certificate' | 'IssuedToken')[];
}

/** A node of the address space under Objects, with its children down to the depth asked for. */
export interface OpcuaBrowsedNode {
  /** With its namespace URI (`nsu=…;s=…`), as profiles write it. */
  nodeId: string;
  browseName: string;
  nodeClass: 'Object' | 'Variable';
  children: OpcuaBrowsedNode[];
}

/** The server's BuildInfo, as identification strings (what a profile's `identification` compares). */
export interface OpcuaIdentity {
  vendorName: string;
  productName: string;
  /** BuildInfo.ProductUri. */
  productCode: string;
  /** BuildInfo.SoftwareVersion. */
  revision: string;
}

export interface OpcuaScanResult {
  protocol: 'opcua';
  target: string;
  endpoints: OpcuaEndpointOffer[];
  identity?: OpcuaIdentity;
  /** Objects and variables of the server's own namespaces under Objects (namespace 0, the Server object, left out). */
  nodes: OpcuaBrowsedNode[];
  /** Why there is no identity or no browse (no endpoint without security, login refused…). */
  sessionError?: string;
  durationMs: number;
}

export interface OpcuaScanOptions {
  endpointUrl: string;
  /** Levels browsed under Objects (1: its children only). */
  depth: number;
  /** How long connecting and each service call may take, milliseconds. */
  timeoutMs: number;
  /** Folder of the client's PKI (its own certificate is created there on first use). */
  pkiDir: string;
  /** UserName login for the browse; anonymous without. */
  user?: { userName: string; password: string };
}

const MODE_NAMES: Record<number, OpcuaEndpointOffer['securityMode']> = {
  [MessageSecurityMode.None]: 'None',
  [MessageSecurityMode.Sign]: 'Sign',
  [MessageSecurityMode.SignAndEncrypt]: 'SignAndEncrypt',
};

const TOKEN_NAMES: Record<number, OpcuaEndpointOffer['userTokens'][number]> = {
  [UserTokenType.Anonymous]: 'Anonymous',
  [UserTokenType.UserName]: 'UserName',
  [UserTokenType.Certificate]: 'Certificate',
  [UserTokenType.IssuedToken]: 'IssuedToken',
};

/** Server_ServerStatus_BuildInfo's ProductName, ProductUri, ManufacturerName, SoftwareVersion; Server_NamespaceArray. */
const BUILD_INFO = ['ns=0;i=2261', 'ns=0;i=2262', 'ns=0;i=2263', 'ns=0;i=2264'];
const NAMESPACE_ARRAY = 'ns=0;i=2255';
const OBJECTS_FOLDER = 'ns=0;i=85';

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function nodeIdWithUri(nodeId: NodeId, namespaces: readonly string[]): string {
  const text = nodeId.toString();
  const uri = namespaces[nodeId.namespace];
  return nodeId.namespace === 0 || uri === undefined ? text : text.replace(/^ns=\d+;/, `nsu=${uri};`);
}

async function browse(
  session: ClientSession,
  nodeId: string | NodeId,
  depth: number,
  namespaces: readonly string[],
  timeoutMs: number,
): Promise<OpcuaBrowsedNode[]> {
  if (depth <= 0) return [];
  const result = await within(
    session.browse({
      nodeId,
      browseDirection: BrowseDirection.Forward,
      referenceTypeId: 'HierarchicalReferences',
      includeSubtypes: true,
      nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable,
      resultMask: 0x3f,
    }),
    timeoutMs,
    'browse',
  );
  const nodes: OpcuaBrowsedNode[] = [];
  for (const reference of result.references ?? []) {
    const child = reference.nodeId;
    if (child.namespace === 0) continue;
    nodes.push({
      nodeId: nodeIdWithUri(child, namespaces),
      browseName: reference.browseName.name ?? '',
      nodeClass: reference.nodeClass.valueOf() === NodeClass.Variable.valueOf() ? 'Variable' : 'Object',
      children: await browse(session, child, depth - 1, namespaces, timeoutMs),
    });
  }
  return nodes;
}

async function readIdentity(session: ClientSession, timeoutMs: number): Promise<OpcuaIdentity> {
  const values = await within(
    session.read(BUILD_INFO.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value }))),
    timeoutMs,
    'read BuildInfo',
  );
  const [productName, productCode, vendorName, revision] = values.map((value) =>
    typeof value.value.value === 'string' ? value.value.value : '',
  );
  return {
    vendorName: vendorName ?? '',
    productName: productName ?? '',
    productCode: productCode ?? '',
    revision: revision ?? '',
  };
}

/**
 * Looks at an OPC UA server: the endpoints it offers (security modes and policies, logins), then, through an
 * endpoint without security, its BuildInfo and its address space under Objects to `depth` levels.
 */
export async function scanOpcuaEndpoint(options: OpcuaScanOptions, now: () => number): Promise<OpcuaScanResult> {
  const started = now();
  const certificates = new OPCUACertificateManager({
    rootFolder: options.pkiDir,
    automaticallyAcceptUnknownCertificate: false,
    disableFileWatchers: true,
  });
  await certificates.initialize();
  const client = OPCUAClient.create({
    applicationName: 'BeffroiScan',
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 100 },
    clientCertificateManager: certificates,
    keepSessionAlive: false,
  });
  const result: OpcuaScanResult = {
    protocol: 'opcua',
    target: options.endpointUrl,
    endpoints: [],
    nodes: [],
    durationMs: 0,
  };
  try {
    await within(client.connect(options.endpointUrl), options.timeoutMs, `connect to ${options.endpointUrl}`).catch(
      (error: unknown) => {
        throw new Error(
          `cannot reach ${options.endpointUrl}: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    );
    const endpoints = await within(client.getEndpoints(), options.timeoutMs, 'GetEndpoints');
    result.endpoints = endpoints.map((endpoint) => ({
      endpointUrl: endpoint.endpointUrl ?? '',
      securityMode: MODE_NAMES[endpoint.securityMode] ?? 'Invalid',
      securityPolicy: (endpoint.securityPolicyUri ?? '').split('#').pop() ?? '',
      userTokens: (endpoint.userIdentityTokens ?? []).flatMap((token) => {
        const name = TOKEN_NAMES[token.tokenType];
        return name === undefined ? [] : [name];
      }),
    }));
    if (!result.endpoints.some((endpoint) => endpoint.securityMode === 'None')) {
      result.sessionError =
        'the server offers no endpoint without security: identity and browse need a trusted certificate';
    } else {
      const user = options.user;
      const session = await within(
        client.createSession(user ? { type: UserTokenType.UserName, ...user } : { type: UserTokenType.Anonymous }),
        options.timeoutMs,
        'create session',
      ).catch((error: unknown) => {
        result.sessionError = `session refused: ${error instanceof Error ? error.message : String(error)}`;
        return undefined;
      });
      if (session) {
        try {
          result.identity = await readIdentity(session, options.timeoutMs);
          const namespaces = await within(
            session.read({ nodeId: NAMESPACE_ARRAY, attributeId: AttributeIds.Value }),
            options.timeoutMs,
            'read NamespaceArray',
          );
          const array: unknown = namespaces.value.value;
          const uris = Array.isArray(array) ? array.map(String) : [];
          result.nodes = await browse(session, OBJECTS_FOLDER, options.depth, uris, options.timeoutMs);
        } finally {
          await within(session.close(), options.timeoutMs, 'close session').catch(() => undefined);
        }
      }
    }
  } finally {
    await within(client.disconnect(), options.timeoutMs, 'disconnect').catch(() => undefined);
    await certificates.dispose();
  }
  result.durationMs = now() - started;
  return result;
}
