-- CreateTable
CREATE TABLE `attachments` (
    `id` VARCHAR(36) NOT NULL,
    `owner_id` VARCHAR(36) NOT NULL,
    `purpose` VARCHAR(16) NOT NULL,
    `conversation_id` VARCHAR(36) NULL,
    `object_key` VARCHAR(255) NOT NULL,
    `file_name` VARCHAR(255) NOT NULL,
    `content_type` VARCHAR(255) NOT NULL,
    `size` INTEGER NOT NULL,
    `status` VARCHAR(16) NOT NULL DEFAULT 'pending',
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `uploaded_at` DATETIME(3) NULL,

    UNIQUE INDEX `attachments_object_key_key`(`object_key`),
    INDEX `attachments_owner_id_idx`(`owner_id`),
    INDEX `attachments_conversation_id_idx`(`conversation_id`),
    PRIMARY KEY (`id`),
    CONSTRAINT `attachments_purpose_check` CHECK (`purpose` IN ('attachment', 'avatar')),
    CONSTRAINT `attachments_status_check` CHECK (`status` IN ('pending', 'uploaded')),
    CONSTRAINT `attachments_size_check` CHECK (`size` > 0),
    CONSTRAINT `attachments_conversation_check` CHECK (`purpose` <> 'attachment' OR `conversation_id` IS NOT NULL)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
