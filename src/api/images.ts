import { z } from 'zod';

// Image retention: what `berth images prune` asks for and what it removed or kept, and why.

/** `POST /stacks/:stack/images/prune`: the retention to apply (default: the stack's `x-berth.images.keep`). */
export const ImagePruneRequestSchema = z.strictObject({
  keep: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'Deployed versions of each service to keep, the running one included (default: x-berth.images.keep, else 3)',
    ),
  dryRun: z.boolean().default(false).describe('Say what would go and why each image stays, removing nothing'),
});

/** What an image prune removed (or would), and why each image it kept stays. */
export const ImagePruneResultSchema = z.object({
  stack: z.string(),
  keep: z.number().int(),
  dryRun: z.boolean(),
  /** Bytes the removals freed as the engine counts its layers (a dry run: what those images hold alone). */
  freedBytes: z.number(),
  /** Records of images the engine no longer had, dropped. */
  forgotten: z.number().int(),
  decisions: z.array(
    z.object({
      image: z.string(),
      tags: z.array(z.string()),
      /** The references Berth pulled or built it as. */
      recorded: z.array(z.string()),
      services: z.array(z.string()),
      keep: z.boolean(),
      removed: z.boolean(),
      reasons: z.array(z.string()),
      /** Bytes it holds alone (its layers no other image shares). */
      size: z.number().optional(),
    }),
  ),
});
export type ImagePruneResult = z.output<typeof ImagePruneResultSchema>;
