/**
 * Kansoku's built-in notification templates. They define the template names that receiver
 * defaults refer to (`slack.default.title`, `email.default.subject`, …) with the same data and
 * the same meaning as Alertmanager's defaults; user template files may redefine any of them.
 * Two differences make the defaults readable on their own: every alert of a list starts with
 * its name, severity, summary and since when it fires, and `__alertmanagerURL` links to
 * Kansoku's Alerts page (`<external URL>/alerts?receiver=…`).
 */
export const DEFAULT_TEMPLATES = `
{{ define "__alertmanager" }}Alertmanager{{ end }}
{{ define "__alertmanagerURL" }}{{ .ExternalURL }}/alerts?receiver={{ .Receiver | urlquery }}{{ end }}

{{ define "__subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.SortedPairs.Values | join " " }} {{ if gt (len .CommonLabels) (len .GroupLabels) }}({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values | join " " }}{{ end }}){{ end }}{{ end }}
{{ define "__description" }}{{ end }}

{{ define "__text_alert_list" }}{{ range . }}{{ .Labels.alertname }}{{ with .Labels.severity }} [{{ . }}]{{ end }}{{ with .Annotations.summary }}: {{ . }}{{ end }}
{{ if eq .Status "firing" }}Firing since{{ else }}Resolved, was firing since{{ end }} {{ .StartsAt }}
Labels:
{{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Annotations:
{{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Source: {{ .GeneratorURL }}
{{ end }}{{ end }}

{{ define "__text_alert_body" }}{{ if gt (len .Alerts.Firing) 0 }}Alerts Firing:
{{ template "__text_alert_list" .Alerts.Firing }}{{ end }}{{ if gt (len .Alerts.Resolved) 0 }}Alerts Resolved:
{{ template "__text_alert_list" .Alerts.Resolved }}{{ end }}{{ end }}

{{ define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{ define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
{{ define "slack.default.callbackid" }}{{ end }}
{{ define "slack.default.pretext" }}{{ end }}
{{ define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{ define "slack.default.iconemoji" }}{{ end }}
{{ define "slack.default.iconurl" }}{{ end }}
{{ define "slack.default.text" }}{{ end }}
{{ define "slack.default.footer" }}{{ end }}
{{ define "slack.default.color" }}{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}{{ end }}

{{ define "email.default.subject" }}{{ template "__subject" . }}{{ end }}
{{ define "email.default.text" }}{{ template "__text_alert_body" . }}View in {{ template "__alertmanager" . }}: {{ template "__alertmanagerURL" . }}
{{ end }}
{{ define "email.default.html" }}<!DOCTYPE html><html><body><h3>{{ template "__subject" . }}</h3><pre>{{ template "__text_alert_body" . }}</pre><p><a href="{{ template "__alertmanagerURL" . }}">View in {{ template "__alertmanager" . }}</a></p></body></html>{{ end }}

{{ define "discord.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "discord.default.message" }}{{ template "__text_alert_body" . }}{{ end }}
{{ define "discord.default.content" }}{{ end }}

{{ define "telegram.default.message" }}{{ if gt (len .Alerts.Firing) 0 }}Alerts Firing:
{{ template "__text_alert_list" .Alerts.Firing }}{{ end }}{{ if gt (len .Alerts.Resolved) 0 }}Alerts Resolved:
{{ template "__text_alert_list" .Alerts.Resolved }}{{ end }}{{ end }}

{{ define "msteams.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "msteams.default.summary" }}{{ template "__subject" . }}{{ end }}
{{ define "msteams.default.text" }}{{ template "__text_alert_body" . }}{{ end }}

{{ define "msteamsv2.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "msteamsv2.default.text" }}{{ template "__text_alert_body" . }}{{ end }}

{{ define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end }}
{{ define "pagerduty.default.client" }}{{ template "__alertmanager" . }}{{ end }}
{{ define "pagerduty.default.clientURL" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{ define "pagerduty.default.instances" }}{{ template "__text_alert_list" . }}{{ end }}

{{ define "opsgenie.default.message" }}{{ template "__subject" . }}{{ end }}
{{ define "opsgenie.default.description" }}{{ .CommonAnnotations.SortedPairs.Values | join " " }}
{{ template "__text_alert_body" . }}{{ end }}
{{ define "opsgenie.default.source" }}{{ template "__alertmanagerURL" . }}{{ end }}

{{ define "ntfy.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "ntfy.default.message" }}{{ template "__text_alert_body" . }}{{ end }}

{{ define "pushover.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "pushover.default.message" }}{{ .CommonAnnotations.SortedPairs.Values | join " " }} {{ if gt (len .Alerts.Firing) 0 }}
Alerts Firing:
{{ template "__text_alert_list" .Alerts.Firing }}{{ end }}{{ if gt (len .Alerts.Resolved) 0 }}
Alerts Resolved:
{{ template "__text_alert_list" .Alerts.Resolved }}{{ end }}{{ end }}
{{ define "pushover.default.url" }}{{ template "__alertmanagerURL" . }}{{ end }}

{{ define "mattermost.default.text" }}**{{ template "__subject" . }}**
{{ template "__text_alert_body" . }}[View in Kansoku]({{ template "__alertmanagerURL" . }}){{ end }}

{{ define "rocketchat.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "rocketchat.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{ define "rocketchat.default.text" }}{{ template "__text_alert_body" . }}{{ end }}
{{ define "rocketchat.default.emoji" }}{{ if eq .Status "firing" }}:rotating_light:{{ else }}:white_check_mark:{{ end }}{{ end }}

{{ define "webex.default.message" }}**{{ template "__subject" . }}**

{{ template "__text_alert_body" . }}{{ end }}

{{ define "victorops.default.entity_display_name" }}{{ template "__subject" . }}{{ end }}
{{ define "victorops.default.state_message" }}{{ .CommonAnnotations.SortedPairs.Values | join " " }}
{{ template "__text_alert_body" . }}{{ end }}
{{ define "victorops.default.monitoring_tool" }}Kansoku{{ end }}

{{ define "gotify.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "gotify.default.message" }}{{ template "__text_alert_body" . }}View in Kansoku: {{ template "__alertmanagerURL" . }}{{ end }}

{{ define "matrix.default.message" }}{{ template "__subject" . }}
{{ template "__text_alert_body" . }}{{ end }}
{{ define "matrix.default.html_message" }}<strong>{{ template "__subject" . }}</strong><br/>{{ range .Alerts }}<b>{{ .Labels.alertname }}</b>{{ with .Annotations.summary }}: {{ . }}{{ end }}{{ with .Labels.severity }} ({{ . }}){{ end }}<br/>{{ end }}<a href="{{ template "__alertmanagerURL" . }}">View in Kansoku</a>{{ end }}
{{ define "sns.default.subject" }}{{ template "__subject" . }}{{ end }}
{{ define "sns.default.message" }}{{ .CommonAnnotations.SortedPairs.Values | join " " }}
{{ if gt (len .Alerts.Firing) 0 }}Alerts Firing:
{{ template "__text_alert_list" .Alerts.Firing }}{{ end }}{{ if gt (len .Alerts.Resolved) 0 }}Alerts Resolved:
{{ template "__text_alert_list" .Alerts.Resolved }}{{ end }}{{ end }}

{{ define "wechat.default.message" }}{{ template "__subject" . }}
{{ .CommonAnnotations.SortedPairs.Values | join " " }}
{{ if gt (len .Alerts.Firing) 0 }}Alerts Firing:
{{ template "__text_alert_list" .Alerts.Firing }}{{ end }}{{ if gt (len .Alerts.Resolved) 0 }}Alerts Resolved:
{{ template "__text_alert_list" .Alerts.Resolved }}{{ end }}AlertmanagerUrl:
{{ template "__alertmanagerURL" . }}{{ end }}
{{ define "wechat.default.to_user" }}{{ end }}
{{ define "wechat.default.to_party" }}{{ end }}
{{ define "wechat.default.to_tag" }}{{ end }}
{{ define "wechat.default.agent_id" }}{{ end }}

{{ define "jira.default.summary" }}{{ template "__subject" . }}{{ end }}
{{ define "jira.default.description" }}{{ template "__text_alert_body" . }}View in Kansoku: {{ template "__alertmanagerURL" . }}{{ end }}
{{ define "jira.default.priority" }}{{ $p := "" }}{{ range .Alerts.Firing }}{{ $s := index .Labels "severity" }}{{ if eq $s "critical" }}{{ $p = "High" }}{{ else if and (eq $s "warning") (ne $p "High") }}{{ $p = "Medium" }}{{ else if and (eq $s "info") (eq $p "") }}{{ $p = "Low" }}{{ end }}{{ end }}{{ if eq $p "" }}{{ range .Alerts.Resolved }}{{ $s := index .Labels "severity" }}{{ if eq $s "critical" }}{{ $p = "High" }}{{ else if and (eq $s "warning") (ne $p "High") }}{{ $p = "Medium" }}{{ else if and (eq $s "info") (eq $p "") }}{{ $p = "Low" }}{{ end }}{{ end }}{{ end }}{{ $p }}{{ end }}
`;
