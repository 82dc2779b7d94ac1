import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";

export declare const LAMBDA_CREDENTIALS_MISSING: string;
export declare const defaultProvider: (init?: Record<string, unknown>) => AwsCredentialIdentityProvider;
export declare const credentialsWillNeedRefresh: (credentials?: AwsCredentialIdentity) => boolean;
export declare const credentialsTreatedAsExpired: (credentials?: AwsCredentialIdentity) => boolean;
