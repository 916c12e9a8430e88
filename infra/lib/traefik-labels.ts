/** One HTTP route from a public host name to a container port, expressed as Traefik labels. */
export interface HttpRoute {
  /** Router name, unique across the Docker provider. */
  router: string;
  /** Public host name the router matches. */
  host: string;
  /** Optional path prefix, such as `/socket.io`, matched on top of the host. */
  pathPrefix?: string;
  /** Traefik service name; routes that share one point at the same container port. */
  service: string;
  /** Port the container listens on inside the edge network. */
  port: number;
  /** Router priority; longer rules win by default, so this is only needed to break ties. */
  priority?: number;
  /** Middleware names applied in order, each defined by {@link buildMiddlewareLabels}. */
  middlewares?: string[];
  /** Internal Traefik service such as `api@internal`, instead of a container port. */
  internalService?: string;
}

/** How the edge entry point serves routes: over TLS with an ACME resolver or plain HTTP. */
export interface EdgeEntry {
  /** Docker network Traefik reaches the container through. */
  network: string;
  /** Entry point name, `websecure` with TLS and `web` without. */
  entryPoint: string;
  /** ACME certificate resolver name; absent for plain HTTP. */
  certResolver?: string;
}

/** Builds a Traefik rule such as ``Host(`chat.example.com`) && PathPrefix(`/socket.io`)``. */
export function buildRule(host: string, pathPrefix?: string): string {
  const hostRule = `Host(\`${host}\`)`;
  return pathPrefix === undefined ? hostRule : `${hostRule} && PathPrefix(\`${pathPrefix}\`)`;
}

/**
 * Builds the labels that make Traefik route the given hosts to a container. Containers
 * without these labels stay unexposed because the Docker provider runs with
 * `exposedByDefault=false`.
 */
export function buildRouteLabels(routes: readonly HttpRoute[], edge: EdgeEntry) {
  const labels: Record<string, string> = {
    'traefik.enable': 'true',
    'traefik.docker.network': edge.network,
  };

  for (const route of routes) {
    const prefix = `traefik.http.routers.${route.router}`;
    labels[`${prefix}.rule`] = buildRule(route.host, route.pathPrefix);
    labels[`${prefix}.entrypoints`] = edge.entryPoint;
    labels[`${prefix}.service`] = route.internalService ?? route.service;
    if (route.priority !== undefined) labels[`${prefix}.priority`] = String(route.priority);
    if (route.middlewares && route.middlewares.length > 0) {
      labels[`${prefix}.middlewares`] = route.middlewares.join(',');
    }
    if (edge.certResolver !== undefined) {
      labels[`${prefix}.tls`] = 'true';
      labels[`${prefix}.tls.certresolver`] = edge.certResolver;
    }
    if (route.internalService === undefined) {
      labels[`traefik.http.services.${route.service}.loadbalancer.server.port`] = String(
        route.port,
      );
    }
  }
  return labels;
}

/** Security headers every public response gets; HSTS only when the edge serves TLS. */
export function buildSecurityHeaderLabels(name: string, tls: boolean): Record<string, string> {
  const prefix = `traefik.http.middlewares.${name}.headers`;
  const labels: Record<string, string> = {
    [`${prefix}.contentTypeNosniff`]: 'true',
    [`${prefix}.referrerPolicy`]: 'no-referrer',
    [`${prefix}.frameDeny`]: 'true',
  };
  if (tls) {
    labels[`${prefix}.stsSeconds`] = '31536000';
    labels[`${prefix}.stsIncludeSubdomains`] = 'true';
  }
  return labels;
}

/**
 * Builds the label of a basic-auth middleware. The value is an htpasswd line and therefore a
 * credential, so callers pass it as a secret.
 */
export function basicAuthLabelName(middleware: string): string {
  return `traefik.http.middlewares.${middleware}.basicauth.users`;
}

/** Turns a label map into Docker label entries sorted by name, so plans stay stable. */
export function toDockerLabels<T>(labels: Record<string, T>): { label: string; value: T }[] {
  return Object.keys(labels)
    .sort()
    .map((label) => ({ label, value: labels[label] as T }));
}
