import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A TCP server that keeps track of its connections so a fault can drop them all. */
export class TcpListener {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** Connections accepted since start. */
  private accepted = 0;

  constructor(
    private readonly host: string,
    private readonly requestedPort: number,
    onConnection: (socket: Socket) => void,
  ) {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      this.accepted++;
      socket.setNoDelay(true);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => this.sockets.delete(socket));
      onConnection(socket);
    });
  }

  get port(): number | undefined {
    return (this.server.address() as AddressInfo | null)?.port;
  }

  /** Open connections now, and accepted since start: a master that reconnects in storms shows here. */
  get connections(): { open: number; accepted: number } {
    return { open: this.sockets.size, accepted: this.accepted };
  }

  get address(): string {
    return `${this.host}:${this.port ?? this.requestedPort}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.requestedPort, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Closes every open connection now; returns how many were closed. */
  dropConnections(): number {
    const count = this.sockets.size;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    return count;
  }
}
