/** Marks the comment the script owns, so later builds find and update it. */
export declare const marker: string;

/** Renders the comment body from the preview output and the inventory diff. */
export declare function renderComment(preview: string, inventoryDiff: string): string;

/** Creates the comment, or updates the one an earlier build posted. */
export declare function publishComment(options: {
  apiUrl: string;
  token: string;
  repository: string;
  pullRequest: string;
  body: string;
}): Promise<{ updated: boolean }>;
