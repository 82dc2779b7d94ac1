import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ObjectSink } from "../../postmortem/export";

/** The postmortem export's objects in an S3 bucket (postmortem/export.ts). */
export class S3ObjectSink implements ObjectSink {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async put(object: { key: string; body: string; contentType: string }): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: object.key,
        Body: object.body,
        ContentType: object.contentType,
      }),
    );
  }
}
