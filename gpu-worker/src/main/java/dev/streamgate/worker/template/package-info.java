/** Chat templates from a Hugging Face model folder, rendered with Jinjava the way transformers renders them. */
package dev.streamgate.worker.template;
