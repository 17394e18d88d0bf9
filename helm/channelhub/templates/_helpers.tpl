{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{/* The hub's workload: a StatefulSet when each pod keeps its usage spool on a claim of its own. */}}
{{- define "channelhub.workloadKind" -}}
{{- if .Values.usageSpool.persistence.enabled -}}StatefulSet{{- else -}}Deployment{{- end -}}
{{- end -}}

{{- define "channelhub.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, with the chart name unless the release name already contains it. */}}
{{- define "channelhub.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "channelhub.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Every object of the release. */}}
{{- define "channelhub.instanceLabels" -}}
app.kubernetes.io/name: {{ include "channelhub.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The hub's pods only: the migration and backup pods carry another component, so no Service or PDB picks them. */}}
{{- define "channelhub.selectorLabels" -}}
{{ include "channelhub.instanceLabels" . }}
app.kubernetes.io/component: hub
{{- end }}

{{- define "channelhub.labels" -}}
helm.sh/chart: {{ include "channelhub.chart" . }}
{{ include "channelhub.instanceLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: channelhub
{{- end }}

{{- define "channelhub.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "channelhub.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "channelhub.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "channelhub.secretName" -}}
{{- default (include "channelhub.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* The hub's plugins directory: the image's, or an emptyDir when init containers add jars. */}}
{{- define "channelhub.extraPlugins" -}}
{{- if or .Values.plugins.extraPluginsImage.repository .Values.plugins.volume }}true{{ end }}
{{- end }}

{{- define "channelhub.pluginsDir" -}}
{{- if include "channelhub.extraPlugins" . }}/var/lib/channelhub/plugins{{ else }}{{ .Values.plugins.imageDirectory }}{{ end }}
{{- end }}

{{/* One env var from a secret entry: dict "name" VAR "entry" (values entry) "root" $. */}}
{{- define "channelhub.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ default (include "channelhub.secretName" .root) .entry.name }}
      key: {{ required (printf "a key for %s" .name) .entry.key }}
      {{- if .entry.optional }}
      optional: true
      {{- end }}
{{- end }}

{{/* What any process that opens the database needs (hub, migrations, backup). */}}
{{- define "channelhub.databaseEnv" -}}
- name: CHANNELHUB_DB_DRIVER
  value: {{ .Values.database.driver | quote }}
{{- if .Values.database.urlSecret.name }}
- name: CHANNELHUB_DB_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.urlSecret.name }}
      key: {{ required "database.urlSecret.key" .Values.database.urlSecret.key }}
{{- else }}
- name: CHANNELHUB_DB_URL
  value: {{ required "database.url or database.urlSecret" .Values.database.url | quote }}
{{- end }}
{{- if .Values.database.userSecret.name }}
- name: CHANNELHUB_DB_USER
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.userSecret.name }}
      key: {{ required "database.userSecret.key" .Values.database.userSecret.key }}
{{- else }}
- name: CHANNELHUB_DB_USER
  value: {{ .Values.database.user | quote }}
{{- end }}
{{ include "channelhub.secretEnv" (dict "name" "CHANNELHUB_DB_PASSWORD" "entry" .Values.secrets.dbPassword "root" .) }}
{{- end }}

{{/* The hub's environment: every ${VAR} of config.yml the chart manages (HelmChartTest keeps this complete). */}}
{{- define "channelhub.hubEnv" -}}
- name: CHANNELHUB_PORT
  value: {{ .Values.ports.http | quote }}
- name: CHANNELHUB_ADMIN_PORT
  value: {{ .Values.ports.admin | quote }}
# The pod's interfaces, so that the kubelet and Prometheus reach it; the NetworkPolicy admits only the monitoring
# namespace.
- name: CHANNELHUB_ADMIN_HOST
  value: "0.0.0.0"
{{ include "channelhub.databaseEnv" . }}
- name: CHANNELHUB_DB_POOL_MAX
  value: {{ .Values.database.poolMax | quote }}
- name: CHANNELHUB_MIGRATE_ON_START
  value: {{ eq .Values.migrations.mode "onStart" | quote }}
- name: CHANNELHUB_PLUGINS_DIR
  value: {{ include "channelhub.pluginsDir" . | quote }}
{{ include "channelhub.secretEnv" (dict "name" "CHANNELHUB_SECRETS_KEY" "entry" .Values.secrets.secretsKey "root" .) }}
{{ include "channelhub.secretEnv" (dict "name" "CHANNELHUB_REDIS_URI" "entry" .Values.secrets.redisUri "root" .) }}
{{ include "channelhub.secretEnv" (dict "name" "OPENAI_API_KEY" "entry" .Values.secrets.openaiApiKey "root" .) }}
{{ include "channelhub.secretEnv" (dict "name" "CHANNELHUB_BOOTSTRAP_KEY" "entry" .Values.secrets.bootstrapKey "root" .) }}
{{- if .Values.secrets.previousKeys.key }}
{{ include "channelhub.secretEnv" (dict "name" "CHANNELHUB_SECRETS_PREVIOUS_KEYS" "entry" .Values.secrets.previousKeys "root" .) }}
{{- end }}
- name: CHANNELHUB_KEY_ROTATION_GRACE
  value: {{ .Values.apiKeys.rotationGrace | quote }}
- name: OPENAI_BASE_URL
  value: {{ .Values.models.openaiBaseUrl | quote }}
- name: CHANNELHUB_MODEL_TIMEOUT
  value: {{ .Values.models.timeout | quote }}
- name: CHANNELHUB_MODEL_CLIENT
  value: {{ .Values.models.client | quote }}
- name: CHANNELHUB_KNOWLEDGE_MAX_FILE_SIZE
  value: {{ .Values.knowledge.maxFileSize | quote }}
- name: CHANNELHUB_KNOWLEDGE_EMBEDDING_PROVIDER
  value: {{ .Values.knowledge.embedding.provider | quote }}
- name: CHANNELHUB_KNOWLEDGE_EMBEDDING_MODEL
  value: {{ .Values.knowledge.embedding.model | quote }}
- name: CHANNELHUB_THREADS
  value: {{ .Values.threads.mode | quote }}
- name: CHANNELHUB_BILLING_GRACE
  value: {{ .Values.billing.overdueGrace | quote }}
- name: CHANNELHUB_DEMO
  value: {{ .Values.demo.enabled | quote }}
- name: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
  value: {{ .Values.tracing.otlpEndpoint | quote }}
- name: CHANNELHUB_RATELIMIT_ON_REDIS_FAILURE
  value: {{ .Values.rateLimits.onRedisFailure | quote }}
- name: CHANNELHUB_WEBHOOKS_ALLOW_PRIVATE
  value: {{ .Values.webhooks.allowPrivateTargets | quote }}
- name: CHANNELHUB_CONSOLE_SECURE_COOKIE
  value: {{ .Values.console.secureCookie | quote }}
- name: CHANNELHUB_LOG_FORMAT
  value: {{ .Values.logging.format | quote }}
- name: CHANNELHUB_USAGE_SPOOL_DIR
  value: /var/lib/channelhub/usage-spool
- name: CHANNELHUB_USAGE_SPOOL_SEGMENT
  value: {{ .Values.usageSpool.maxSegmentSize | quote }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* -Ddw. overrides: the chart's own, then config.overrides (sorted, so renders are stable). */}}
{{- define "channelhub.dwOverrides" -}}
{{- $o := list }}
{{- if .Values.server.useForwardedHeaders }}
{{- $o = append $o "-Ddw.server.applicationConnectors[0].useForwardedHeaders=true" }}
{{- end }}
{{- with .Values.plugins.required }}
{{- $o = append $o (printf "-Ddw.plugins.required=%s" (join "," .)) }}
{{- end }}
{{- with .Values.plugins.trustedSigners }}
{{- $o = append $o (printf "-Ddw.plugins.trustedSigners=%s" (join "," .)) }}
{{- end }}
{{- if .Values.secrets.previousKeys.key }}
{{- $o = append $o "-Ddw.secrets.previousKeys=$(CHANNELHUB_SECRETS_PREVIOUS_KEYS)" }}
{{- end }}
{{- range $k := keys .Values.config.overrides | sortAlpha }}
{{- $o = append $o (printf "-Ddw.%s=%v" $k (index $.Values.config.overrides $k)) }}
{{- end }}
{{- toYaml $o }}
{{- end }}

{{/* The container security context every container of the chart runs with. */}}
{{- define "channelhub.securityContext" -}}
{{- toYaml .Values.securityContext }}
{{- end }}

{{/* db migrate, as a hook Job or an init container. */}}
{{- define "channelhub.migrateContainer" -}}
- name: migrate
  image: {{ include "channelhub.image" . }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  command: ["java"]
  args:
    {{- with .Values.jvmOptions }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    - -jar
    - /opt/channelhub/channelhub.jar
    - db
    - migrate
    - /etc/channelhub/config.yml
  env:
    {{- include "channelhub.databaseEnv" . | nindent 4 }}
  securityContext:
    {{- include "channelhub.securityContext" . | nindent 4 }}
  resources:
    {{- toYaml .Values.migrations.resources | nindent 4 }}
  volumeMounts:
    - name: config
      mountPath: /etc/channelhub
      readOnly: true
    - name: tmp
      mountPath: /tmp
{{- end }}

{{- define "channelhub.backupServiceAccountName" -}}
{{- if .Values.backup.serviceAccount.create }}
{{- default (printf "%s-backup" (include "channelhub.fullname" .)) .Values.backup.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.backup.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* What backup-mariadb.sh reads: DB_HOST, DB_PORT, DB_NAME, DB_USER, MYSQL_PWD, BACKUP_DIR, BACKUP_S3_URI,
    BACKUP_S3_KMS_KEY_ID. */}}
{{- define "channelhub.backupEnv" -}}
{{- $b := .Values.backup -}}
{{- $db := $b.database -}}
{{- $re := "^jdbc:(?:mariadb|mysql)://([^:/?;]+)(?::([0-9]+))?/([^?;]+).*$" -}}
{{- $url := ternary "" .Values.database.url (not (empty .Values.database.urlSecret.name)) -}}
{{- $parsed := regexMatch $re $url -}}
{{- if $db.secret.name }}
{{- range $var, $key := dict "DB_HOST" $db.secret.hostKey "DB_PORT" $db.secret.portKey "DB_NAME" $db.secret.nameKey }}
- name: {{ $var }}
  valueFrom:
    secretKeyRef:
      name: {{ $db.secret.name }}
      key: {{ $key }}
{{- end }}
{{- else }}
{{- $host := default (ternary (regexReplaceAll $re $url "${1}") "" $parsed) $db.host }}
{{- $port := ternary (toString $db.port) (default "3306" (regexReplaceAll $re $url "${2}")) (or (not $parsed) (not (empty $db.host))) }}
{{- $name := default (ternary (regexReplaceAll $re $url "${3}") "" $parsed) $db.name }}
- name: DB_HOST
  value: {{ required "backup.database.host (or backup.database.secret), when database.url is not a plain jdbc:mariadb URL" $host | quote }}
- name: DB_PORT
  value: {{ $port | quote }}
- name: DB_NAME
  value: {{ required "backup.database.name (or backup.database.secret), when database.url is not a plain jdbc:mariadb URL" $name | quote }}
{{- end }}
{{- if .Values.database.userSecret.name }}
- name: DB_USER
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.userSecret.name }}
      key: {{ .Values.database.userSecret.key }}
{{- else }}
- name: DB_USER
  value: {{ .Values.database.user | quote }}
{{- end }}
{{ include "channelhub.secretEnv" (dict "name" "MYSQL_PWD" "entry" .Values.secrets.dbPassword "root" .) }}
- name: BACKUP_DIR
  value: {{ $b.dir | quote }}
{{- $s3 := $b.s3Uri }}
{{- if and (not $s3) $b.s3.bucket }}
{{- $s3 = printf "s3://%s/%s" $b.s3.bucket (trimSuffix "/" $b.s3.prefix) | trimSuffix "/" }}
{{- end }}
- name: BACKUP_S3_URI
  value: {{ $s3 | quote }}
# Empty: the bucket's default encryption applies (terraform/'s buckets pin their own KMS key).
- name: BACKUP_S3_KMS_KEY_ID
  value: {{ $b.s3.kmsKeyId | default "" | quote }}
{{- with $b.s3.region }}
- name: AWS_REGION
  value: {{ . | quote }}
{{- end }}
# The aws CLI keeps its state under HOME; the root filesystem is read-only.
- name: HOME
  value: /tmp
{{- end }}
