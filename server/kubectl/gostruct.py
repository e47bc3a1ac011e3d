"""Go struct field order: how ``json.Marshal`` writes an object kubectl holds as a typed Go struct.

kubectl builds some objects client-side as Go structs (the ``create`` generators, ``run``,
``expose``, ``autoscale``, ``set --local``, ``create token``'s answer …); their ``-o json``
keeps the struct's field order (``kind`` before ``apiVersion``, ``name`` before
``creationTimestamp``, ``spec`` before ``status``), while objects from the server or unstructured
files print with sorted keys. ``TypedObject`` marks such an object (``server.kubectl.output.typed``);
``go_ordered`` rewrites a value's keys in its Go type's order, recursively, with maps (labels,
data …) and unknown keys sorted as ``encoding/json`` sorts map keys.

The tables are k8s.io/api v0.32 (``core/v1``, ``apps/v1``, ``batch/v1``, ``autoscaling/v1``,
``autoscaling/v2``, ``rbac/v1``, ``scheduling/v1``, ``policy/v1``, ``networking/v1``,
``authentication/v1``) and apimachinery's ``meta/v1`` types.go, field by field in declaration
order: ``name:pkg.Type`` names a nested struct (or a list of them), ``@pkg.Type`` an inlined one
(``metav1.TypeMeta``, ``VolumeSource``, ``ProbeHandler`` …).

Pure data and functions; imports nothing from the rest of kubeplay.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

_STRUCTS: dict[str, str] = {
    "apps.DaemonSet": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:apps.DaemonSetSpec status:apps.DaemonSetStatus"
    ),
    "apps.DaemonSetCondition": "type status lastTransitionTime reason message",
    "apps.DaemonSetSpec": (
        "selector:metav1.LabelSelector template:core.PodTemplateSpec "
        "updateStrategy:apps.DaemonSetUpdateStrategy minReadySeconds revisionHistoryLimit"
    ),
    "apps.DaemonSetStatus": (
        "currentNumberScheduled numberMisscheduled desiredNumberScheduled numberReady observedGeneration "
        "updatedNumberScheduled numberAvailable numberUnavailable collisionCount "
        "conditions:apps.DaemonSetCondition"
    ),
    "apps.DaemonSetUpdateStrategy": "type rollingUpdate:apps.RollingUpdateDaemonSet",
    "apps.Deployment": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:apps.DeploymentSpec "
        "status:apps.DeploymentStatus"
    ),
    "apps.DeploymentCondition": "type status lastUpdateTime lastTransitionTime reason message",
    "apps.DeploymentSpec": (
        "replicas selector:metav1.LabelSelector template:core.PodTemplateSpec "
        "strategy:apps.DeploymentStrategy minReadySeconds revisionHistoryLimit paused "
        "progressDeadlineSeconds"
    ),
    "apps.DeploymentStatus": (
        "observedGeneration replicas updatedReplicas readyReplicas availableReplicas unavailableReplicas "
        "conditions:apps.DeploymentCondition collisionCount"
    ),
    "apps.DeploymentStrategy": "type rollingUpdate:apps.RollingUpdateDeployment",
    "apps.ReplicaSet": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:apps.ReplicaSetSpec "
        "status:apps.ReplicaSetStatus"
    ),
    "apps.ReplicaSetCondition": "type status lastTransitionTime reason message",
    "apps.ReplicaSetSpec": (
        "replicas minReadySeconds selector:metav1.LabelSelector template:core.PodTemplateSpec"
    ),
    "apps.ReplicaSetStatus": (
        "replicas fullyLabeledReplicas readyReplicas availableReplicas observedGeneration "
        "conditions:apps.ReplicaSetCondition"
    ),
    "apps.RollingUpdateDaemonSet": "maxUnavailable maxSurge",
    "apps.RollingUpdateDeployment": "maxUnavailable maxSurge",
    "apps.RollingUpdateStatefulSetStrategy": "partition maxUnavailable",
    "apps.StatefulSet": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:apps.StatefulSetSpec "
        "status:apps.StatefulSetStatus"
    ),
    "apps.StatefulSetCondition": "type status lastTransitionTime reason message",
    "apps.StatefulSetOrdinals": "start",
    "apps.StatefulSetPersistentVolumeClaimRetentionPolicy": "whenDeleted whenScaled",
    "apps.StatefulSetSpec": (
        "replicas selector:metav1.LabelSelector template:core.PodTemplateSpec "
        "volumeClaimTemplates:core.PersistentVolumeClaim serviceName podManagementPolicy "
        "updateStrategy:apps.StatefulSetUpdateStrategy revisionHistoryLimit minReadySeconds "
        "persistentVolumeClaimRetentionPolicy:apps.StatefulSetPersistentVolumeClaimRetentionPolicy "
        "ordinals:apps.StatefulSetOrdinals"
    ),
    "apps.StatefulSetStatus": (
        "observedGeneration replicas readyReplicas currentReplicas updatedReplicas currentRevision "
        "updateRevision collisionCount conditions:apps.StatefulSetCondition availableReplicas"
    ),
    "apps.StatefulSetUpdateStrategy": "type rollingUpdate:apps.RollingUpdateStatefulSetStrategy",
    "authentication.BoundObjectReference": "kind apiVersion name uid",
    "authentication.TokenRequest": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:authentication.TokenRequestSpec "
        "status:authentication.TokenRequestStatus"
    ),
    "authentication.TokenRequestSpec": (
        "audiences expirationSeconds boundObjectRef:authentication.BoundObjectReference"
    ),
    "authentication.TokenRequestStatus": "token expirationTimestamp",
    "autoscaling.CrossVersionObjectReference": "kind name apiVersion",
    "autoscaling.HorizontalPodAutoscaler": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:autoscaling.HorizontalPodAutoscalerSpec "
        "status:autoscaling.HorizontalPodAutoscalerStatus"
    ),
    "autoscaling.HorizontalPodAutoscalerSpec": (
        "scaleTargetRef:autoscaling.CrossVersionObjectReference minReplicas maxReplicas "
        "targetCPUUtilizationPercentage"
    ),
    "autoscaling.HorizontalPodAutoscalerStatus": (
        "observedGeneration lastScaleTime currentReplicas desiredReplicas currentCPUUtilizationPercentage"
    ),
    "autoscalingv2.ContainerResourceMetricSource": "name target:autoscalingv2.MetricTarget container",
    "autoscalingv2.ContainerResourceMetricStatus": "name current:autoscalingv2.MetricValueStatus container",
    "autoscalingv2.CrossVersionObjectReference": "kind name apiVersion",
    "autoscalingv2.ExternalMetricSource": (
        "metric:autoscalingv2.MetricIdentifier target:autoscalingv2.MetricTarget"
    ),
    "autoscalingv2.ExternalMetricStatus": (
        "metric:autoscalingv2.MetricIdentifier current:autoscalingv2.MetricValueStatus"
    ),
    "autoscalingv2.HPAScalingPolicy": "type value periodSeconds",
    "autoscalingv2.HPAScalingRules": (
        "stabilizationWindowSeconds selectPolicy policies:autoscalingv2.HPAScalingPolicy"
    ),
    "autoscalingv2.HorizontalPodAutoscaler": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:autoscalingv2.HorizontalPodAutoscalerSpec "
        "status:autoscalingv2.HorizontalPodAutoscalerStatus"
    ),
    "autoscalingv2.HorizontalPodAutoscalerBehavior": (
        "scaleUp:autoscalingv2.HPAScalingRules scaleDown:autoscalingv2.HPAScalingRules"
    ),
    "autoscalingv2.HorizontalPodAutoscalerCondition": "type status lastTransitionTime reason message",
    "autoscalingv2.HorizontalPodAutoscalerSpec": (
        "scaleTargetRef:autoscalingv2.CrossVersionObjectReference minReplicas maxReplicas "
        "metrics:autoscalingv2.MetricSpec behavior:autoscalingv2.HorizontalPodAutoscalerBehavior"
    ),
    "autoscalingv2.HorizontalPodAutoscalerStatus": (
        "observedGeneration lastScaleTime currentReplicas desiredReplicas "
        "currentMetrics:autoscalingv2.MetricStatus "
        "conditions:autoscalingv2.HorizontalPodAutoscalerCondition"
    ),
    "autoscalingv2.MetricIdentifier": "name selector:metav1.LabelSelector",
    "autoscalingv2.MetricSpec": (
        "type object:autoscalingv2.ObjectMetricSource pods:autoscalingv2.PodsMetricSource "
        "resource:autoscalingv2.ResourceMetricSource "
        "containerResource:autoscalingv2.ContainerResourceMetricSource "
        "external:autoscalingv2.ExternalMetricSource"
    ),
    "autoscalingv2.MetricStatus": (
        "type object:autoscalingv2.ObjectMetricStatus pods:autoscalingv2.PodsMetricStatus "
        "resource:autoscalingv2.ResourceMetricStatus "
        "containerResource:autoscalingv2.ContainerResourceMetricStatus "
        "external:autoscalingv2.ExternalMetricStatus"
    ),
    "autoscalingv2.MetricTarget": "type value averageValue averageUtilization",
    "autoscalingv2.MetricValueStatus": "value averageValue averageUtilization",
    "autoscalingv2.ObjectMetricSource": (
        "describedObject:autoscalingv2.CrossVersionObjectReference target:autoscalingv2.MetricTarget "
        "metric:autoscalingv2.MetricIdentifier"
    ),
    "autoscalingv2.ObjectMetricStatus": (
        "metric:autoscalingv2.MetricIdentifier current:autoscalingv2.MetricValueStatus "
        "describedObject:autoscalingv2.CrossVersionObjectReference"
    ),
    "autoscalingv2.PodsMetricSource": (
        "metric:autoscalingv2.MetricIdentifier target:autoscalingv2.MetricTarget"
    ),
    "autoscalingv2.PodsMetricStatus": (
        "metric:autoscalingv2.MetricIdentifier current:autoscalingv2.MetricValueStatus"
    ),
    "autoscalingv2.ResourceMetricSource": "name target:autoscalingv2.MetricTarget",
    "autoscalingv2.ResourceMetricStatus": "name current:autoscalingv2.MetricValueStatus",
    "batch.CronJob": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:batch.CronJobSpec status:batch.CronJobStatus"
    ),
    "batch.CronJobSpec": (
        "schedule timeZone startingDeadlineSeconds concurrencyPolicy suspend "
        "jobTemplate:batch.JobTemplateSpec successfulJobsHistoryLimit failedJobsHistoryLimit"
    ),
    "batch.CronJobStatus": "active:core.ObjectReference lastScheduleTime lastSuccessfulTime",
    "batch.Job": "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:batch.JobSpec status:batch.JobStatus",
    "batch.JobCondition": "type status lastProbeTime lastTransitionTime reason message",
    "batch.JobSpec": (
        "parallelism completions activeDeadlineSeconds podFailurePolicy:batch.PodFailurePolicy "
        "successPolicy:batch.SuccessPolicy backoffLimit backoffLimitPerIndex maxFailedIndexes "
        "selector:metav1.LabelSelector manualSelector template:core.PodTemplateSpec "
        "ttlSecondsAfterFinished completionMode suspend podReplacementPolicy managedBy"
    ),
    "batch.JobStatus": (
        "conditions:batch.JobCondition startTime completionTime active succeeded failed terminating "
        "completedIndexes failedIndexes uncountedTerminatedPods:batch.UncountedTerminatedPods ready"
    ),
    "batch.JobTemplateSpec": "metadata:metav1.ObjectMeta spec:batch.JobSpec",
    "batch.PodFailurePolicy": "rules:batch.PodFailurePolicyRule",
    "batch.PodFailurePolicyOnExitCodesRequirement": "containerName operator values",
    "batch.PodFailurePolicyOnPodConditionsPattern": "type status",
    "batch.PodFailurePolicyRule": (
        "action onExitCodes:batch.PodFailurePolicyOnExitCodesRequirement "
        "onPodConditions:batch.PodFailurePolicyOnPodConditionsPattern"
    ),
    "batch.SuccessPolicy": "rules:batch.SuccessPolicyRule",
    "batch.SuccessPolicyRule": "succeededIndexes succeededCount",
    "batch.UncountedTerminatedPods": "succeeded failed",
    "core.AWSElasticBlockStoreVolumeSource": "volumeID fsType partition readOnly",
    "core.Affinity": (
        "nodeAffinity:core.NodeAffinity podAffinity:core.PodAffinity podAntiAffinity:core.PodAntiAffinity"
    ),
    "core.AppArmorProfile": "type localhostProfile",
    "core.AzureDiskVolumeSource": "diskName diskURI cachingMode fsType readOnly kind",
    "core.AzureFileVolumeSource": "secretName shareName readOnly",
    "core.CSIVolumeSource": (
        "driver readOnly fsType volumeAttributes nodePublishSecretRef:core.LocalObjectReference"
    ),
    "core.Capabilities": "add drop",
    "core.CephFSVolumeSource": "monitors path user secretFile secretRef:core.LocalObjectReference readOnly",
    "core.CinderVolumeSource": "volumeID fsType readOnly secretRef:core.LocalObjectReference",
    "core.ClientIPConfig": "timeoutSeconds",
    "core.ClusterTrustBundleProjection": "name signerName labelSelector:metav1.LabelSelector optional path",
    "core.ConfigMap": "@metav1.TypeMeta metadata:metav1.ObjectMeta immutable data binaryData",
    "core.ConfigMapEnvSource": "@core.LocalObjectReference optional",
    "core.ConfigMapKeySelector": "@core.LocalObjectReference key optional",
    "core.ConfigMapProjection": "@core.LocalObjectReference items:core.KeyToPath optional",
    "core.ConfigMapVolumeSource": "@core.LocalObjectReference items:core.KeyToPath defaultMode optional",
    "core.Container": (
        "name image command args workingDir ports:core.ContainerPort envFrom:core.EnvFromSource "
        "env:core.EnvVar resources:core.ResourceRequirements resizePolicy:core.ContainerResizePolicy "
        "restartPolicy volumeMounts:core.VolumeMount volumeDevices:core.VolumeDevice "
        "livenessProbe:core.Probe readinessProbe:core.Probe startupProbe:core.Probe "
        "lifecycle:core.Lifecycle terminationMessagePath terminationMessagePolicy imagePullPolicy "
        "securityContext:core.SecurityContext stdin stdinOnce tty"
    ),
    "core.ContainerPort": "name hostPort containerPort protocol hostIP",
    "core.ContainerResizePolicy": "resourceName restartPolicy",
    "core.ContainerState": (
        "waiting:core.ContainerStateWaiting running:core.ContainerStateRunning "
        "terminated:core.ContainerStateTerminated"
    ),
    "core.ContainerStateRunning": "startedAt",
    "core.ContainerStateTerminated": "exitCode signal reason message startedAt finishedAt containerID",
    "core.ContainerStateWaiting": "reason message",
    "core.ContainerStatus": (
        "name state:core.ContainerState lastState:core.ContainerState ready restartCount image imageID "
        "containerID started allocatedResources resources:core.ResourceRequirements "
        "volumeMounts:core.VolumeMountStatus user:core.ContainerUser "
        "allocatedResourcesStatus:core.ResourceStatus"
    ),
    "core.ContainerUser": "linux:core.LinuxContainerUser",
    "core.DownwardAPIProjection": "items:core.DownwardAPIVolumeFile",
    "core.DownwardAPIVolumeFile": (
        "path fieldRef:core.ObjectFieldSelector resourceFieldRef:core.ResourceFieldSelector mode"
    ),
    "core.DownwardAPIVolumeSource": "items:core.DownwardAPIVolumeFile defaultMode",
    "core.EmptyDirVolumeSource": "medium sizeLimit",
    "core.EnvFromSource": "prefix configMapRef:core.ConfigMapEnvSource secretRef:core.SecretEnvSource",
    "core.EnvVar": "name value valueFrom:core.EnvVarSource",
    "core.EnvVarSource": (
        "fieldRef:core.ObjectFieldSelector resourceFieldRef:core.ResourceFieldSelector "
        "configMapKeyRef:core.ConfigMapKeySelector secretKeyRef:core.SecretKeySelector"
    ),
    "core.EphemeralContainer": "@core.EphemeralContainerCommon targetContainerName",
    "core.EphemeralContainerCommon": (
        "name image command args workingDir ports:core.ContainerPort envFrom:core.EnvFromSource "
        "env:core.EnvVar resources:core.ResourceRequirements resizePolicy:core.ContainerResizePolicy "
        "restartPolicy volumeMounts:core.VolumeMount volumeDevices:core.VolumeDevice "
        "livenessProbe:core.Probe readinessProbe:core.Probe startupProbe:core.Probe "
        "lifecycle:core.Lifecycle terminationMessagePath terminationMessagePolicy imagePullPolicy "
        "securityContext:core.SecurityContext stdin stdinOnce tty"
    ),
    "core.EphemeralVolumeSource": "volumeClaimTemplate:core.PersistentVolumeClaimTemplate",
    "core.ExecAction": "command",
    "core.FCVolumeSource": "targetWWNs lun fsType readOnly wwids",
    "core.FlexVolumeSource": "driver fsType secretRef:core.LocalObjectReference readOnly options",
    "core.FlockerVolumeSource": "datasetName datasetUUID",
    "core.GCEPersistentDiskVolumeSource": "pdName fsType partition readOnly",
    "core.GRPCAction": "port service",
    "core.GitRepoVolumeSource": "repository revision directory",
    "core.GlusterfsVolumeSource": "endpoints path readOnly",
    "core.HTTPGetAction": "path port host scheme httpHeaders:core.HTTPHeader",
    "core.HTTPHeader": "name value",
    "core.HostAlias": "ip hostnames",
    "core.HostIP": "ip",
    "core.HostPathVolumeSource": "path type",
    "core.ISCSIVolumeSource": (
        "targetPortal iqn lun iscsiInterface fsType readOnly portals chapAuthDiscovery chapAuthSession "
        "secretRef:core.LocalObjectReference initiatorName"
    ),
    "core.ImageVolumeSource": "reference pullPolicy",
    "core.KeyToPath": "key path mode",
    "core.Lifecycle": "postStart:core.LifecycleHandler preStop:core.LifecycleHandler",
    "core.LifecycleHandler": (
        "exec:core.ExecAction httpGet:core.HTTPGetAction tcpSocket:core.TCPSocketAction "
        "sleep:core.SleepAction"
    ),
    "core.LinuxContainerUser": "uid gid supplementalGroups",
    "core.LoadBalancerIngress": "ip hostname ipMode ports:core.PortStatus",
    "core.LoadBalancerStatus": "ingress:core.LoadBalancerIngress",
    "core.LocalObjectReference": "name",
    "core.ModifyVolumeStatus": "targetVolumeAttributesClassName status",
    "core.NFSVolumeSource": "server path readOnly",
    "core.Namespace": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:core.NamespaceSpec status:core.NamespaceStatus"
    ),
    "core.NamespaceCondition": "type status lastTransitionTime reason message",
    "core.NamespaceSpec": "finalizers",
    "core.NamespaceStatus": "phase conditions:core.NamespaceCondition",
    "core.NodeAffinity": (
        "requiredDuringSchedulingIgnoredDuringExecution:core.NodeSelector "
        "preferredDuringSchedulingIgnoredDuringExecution:core.PreferredSchedulingTerm"
    ),
    "core.NodeSelector": "nodeSelectorTerms:core.NodeSelectorTerm",
    "core.NodeSelectorRequirement": "key operator values",
    "core.NodeSelectorTerm": (
        "matchExpressions:core.NodeSelectorRequirement matchFields:core.NodeSelectorRequirement"
    ),
    "core.ObjectFieldSelector": "apiVersion fieldPath",
    "core.ObjectReference": "kind namespace name uid apiVersion resourceVersion fieldPath",
    "core.PersistentVolumeClaim": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:core.PersistentVolumeClaimSpec "
        "status:core.PersistentVolumeClaimStatus"
    ),
    "core.PersistentVolumeClaimCondition": "type status lastProbeTime lastTransitionTime reason message",
    "core.PersistentVolumeClaimSpec": (
        "accessModes selector:metav1.LabelSelector resources:core.VolumeResourceRequirements volumeName "
        "storageClassName volumeMode dataSource:core.TypedLocalObjectReference "
        "dataSourceRef:core.TypedObjectReference volumeAttributesClassName"
    ),
    "core.PersistentVolumeClaimStatus": (
        "phase accessModes capacity conditions:core.PersistentVolumeClaimCondition allocatedResources "
        "allocatedResourceStatuses currentVolumeAttributesClassName "
        "modifyVolumeStatus:core.ModifyVolumeStatus"
    ),
    "core.PersistentVolumeClaimTemplate": "metadata:metav1.ObjectMeta spec:core.PersistentVolumeClaimSpec",
    "core.PersistentVolumeClaimVolumeSource": "claimName readOnly",
    "core.PhotonPersistentDiskVolumeSource": "pdID fsType",
    "core.Pod": "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:core.PodSpec status:core.PodStatus",
    "core.PodAffinity": (
        "requiredDuringSchedulingIgnoredDuringExecution:core.PodAffinityTerm "
        "preferredDuringSchedulingIgnoredDuringExecution:core.WeightedPodAffinityTerm"
    ),
    "core.PodAffinityTerm": (
        "labelSelector:metav1.LabelSelector namespaces topologyKey namespaceSelector:metav1.LabelSelector "
        "matchLabelKeys mismatchLabelKeys"
    ),
    "core.PodAntiAffinity": (
        "requiredDuringSchedulingIgnoredDuringExecution:core.PodAffinityTerm "
        "preferredDuringSchedulingIgnoredDuringExecution:core.WeightedPodAffinityTerm"
    ),
    "core.PodCondition": "type status lastProbeTime lastTransitionTime reason message",
    "core.PodDNSConfig": "nameservers searches options:core.PodDNSConfigOption",
    "core.PodDNSConfigOption": "name value",
    "core.PodIP": "ip",
    "core.PodOS": "name",
    "core.PodReadinessGate": "conditionType",
    "core.PodResourceClaim": "name resourceClaimName resourceClaimTemplateName",
    "core.PodResourceClaimStatus": "name resourceClaimName",
    "core.PodSchedulingGate": "name",
    "core.PodSecurityContext": (
        "seLinuxOptions:core.SELinuxOptions windowsOptions:core.WindowsSecurityContextOptions runAsUser "
        "runAsGroup runAsNonRoot supplementalGroups supplementalGroupsPolicy fsGroup sysctls:core.Sysctl "
        "fsGroupChangePolicy seccompProfile:core.SeccompProfile appArmorProfile:core.AppArmorProfile "
        "seLinuxChangePolicy"
    ),
    "core.PodSpec": (
        "volumes:core.Volume initContainers:core.Container containers:core.Container "
        "ephemeralContainers:core.EphemeralContainer restartPolicy terminationGracePeriodSeconds "
        "activeDeadlineSeconds dnsPolicy nodeSelector serviceAccountName serviceAccount "
        "automountServiceAccountToken nodeName hostNetwork hostPID hostIPC shareProcessNamespace "
        "securityContext:core.PodSecurityContext imagePullSecrets:core.LocalObjectReference hostname "
        "subdomain affinity:core.Affinity schedulerName tolerations:core.Toleration "
        "hostAliases:core.HostAlias priorityClassName priority dnsConfig:core.PodDNSConfig "
        "readinessGates:core.PodReadinessGate runtimeClassName enableServiceLinks preemptionPolicy "
        "overhead topologySpreadConstraints:core.TopologySpreadConstraint setHostnameAsFQDN os:core.PodOS "
        "hostUsers schedulingGates:core.PodSchedulingGate resourceClaims:core.PodResourceClaim "
        "resources:core.ResourceRequirements"
    ),
    "core.PodStatus": (
        "phase conditions:core.PodCondition message reason nominatedNodeName hostIP hostIPs:core.HostIP "
        "podIP podIPs:core.PodIP startTime initContainerStatuses:core.ContainerStatus "
        "containerStatuses:core.ContainerStatus qosClass ephemeralContainerStatuses:core.ContainerStatus "
        "resize resourceClaimStatuses:core.PodResourceClaimStatus"
    ),
    "core.PodTemplateSpec": "metadata:metav1.ObjectMeta spec:core.PodSpec",
    "core.PortStatus": "port protocol error",
    "core.PortworxVolumeSource": "volumeID fsType readOnly",
    "core.PreferredSchedulingTerm": "weight preference:core.NodeSelectorTerm",
    "core.Probe": (
        "@core.ProbeHandler initialDelaySeconds timeoutSeconds periodSeconds successThreshold "
        "failureThreshold terminationGracePeriodSeconds"
    ),
    "core.ProbeHandler": (
        "exec:core.ExecAction httpGet:core.HTTPGetAction tcpSocket:core.TCPSocketAction "
        "grpc:core.GRPCAction"
    ),
    "core.ProjectedVolumeSource": "sources:core.VolumeProjection defaultMode",
    "core.QuobyteVolumeSource": "registry volume readOnly user group tenant",
    "core.RBDVolumeSource": (
        "monitors image fsType pool user keyring secretRef:core.LocalObjectReference readOnly"
    ),
    "core.ReplicationController": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:core.ReplicationControllerSpec "
        "status:core.ReplicationControllerStatus"
    ),
    "core.ReplicationControllerCondition": "type status lastTransitionTime reason message",
    "core.ReplicationControllerSpec": "replicas minReadySeconds selector template:core.PodTemplateSpec",
    "core.ReplicationControllerStatus": (
        "replicas fullyLabeledReplicas readyReplicas availableReplicas observedGeneration "
        "conditions:core.ReplicationControllerCondition"
    ),
    "core.ResourceClaim": "name request",
    "core.ResourceFieldSelector": "containerName resource divisor",
    "core.ResourceHealth": "resourceID health",
    "core.ResourceQuota": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:core.ResourceQuotaSpec "
        "status:core.ResourceQuotaStatus"
    ),
    "core.ResourceQuotaSpec": "hard scopes scopeSelector:core.ScopeSelector",
    "core.ResourceQuotaStatus": "hard used",
    "core.ResourceRequirements": "limits requests claims:core.ResourceClaim",
    "core.ResourceStatus": "name resources:core.ResourceHealth",
    "core.SELinuxOptions": "user role type level",
    "core.ScaleIOVolumeSource": (
        "gateway system secretRef:core.LocalObjectReference sslEnabled protectionDomain storagePool "
        "storageMode volumeName fsType readOnly"
    ),
    "core.ScopeSelector": "matchExpressions:core.ScopedResourceSelectorRequirement",
    "core.ScopedResourceSelectorRequirement": "scopeName operator values",
    "core.SeccompProfile": "type localhostProfile",
    "core.Secret": "@metav1.TypeMeta metadata:metav1.ObjectMeta immutable data stringData type",
    "core.SecretEnvSource": "@core.LocalObjectReference optional",
    "core.SecretKeySelector": "@core.LocalObjectReference key optional",
    "core.SecretProjection": "@core.LocalObjectReference items:core.KeyToPath optional",
    "core.SecretVolumeSource": "secretName items:core.KeyToPath defaultMode optional",
    "core.SecurityContext": (
        "capabilities:core.Capabilities privileged seLinuxOptions:core.SELinuxOptions "
        "windowsOptions:core.WindowsSecurityContextOptions runAsUser runAsGroup runAsNonRoot "
        "readOnlyRootFilesystem allowPrivilegeEscalation procMount seccompProfile:core.SeccompProfile "
        "appArmorProfile:core.AppArmorProfile"
    ),
    "core.Service": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:core.ServiceSpec status:core.ServiceStatus"
    ),
    "core.ServiceAccount": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta secrets:core.ObjectReference "
        "imagePullSecrets:core.LocalObjectReference automountServiceAccountToken"
    ),
    "core.ServiceAccountTokenProjection": "audience expirationSeconds path",
    "core.ServicePort": "name protocol appProtocol port targetPort nodePort",
    "core.ServiceSpec": (
        "ports:core.ServicePort selector clusterIP clusterIPs type externalIPs sessionAffinity "
        "loadBalancerIP loadBalancerSourceRanges externalName externalTrafficPolicy healthCheckNodePort "
        "publishNotReadyAddresses sessionAffinityConfig:core.SessionAffinityConfig ipFamilies "
        "ipFamilyPolicy allocateLoadBalancerNodePorts loadBalancerClass internalTrafficPolicy "
        "trafficDistribution"
    ),
    "core.ServiceStatus": "loadBalancer:core.LoadBalancerStatus conditions:metav1.Condition",
    "core.SessionAffinityConfig": "clientIP:core.ClientIPConfig",
    "core.SleepAction": "seconds",
    "core.StorageOSVolumeSource": (
        "volumeName volumeNamespace fsType readOnly secretRef:core.LocalObjectReference"
    ),
    "core.Sysctl": "name value",
    "core.TCPSocketAction": "port host",
    "core.Toleration": "key operator value effect tolerationSeconds",
    "core.TopologySpreadConstraint": (
        "maxSkew topologyKey whenUnsatisfiable labelSelector:metav1.LabelSelector minDomains "
        "nodeAffinityPolicy nodeTaintsPolicy matchLabelKeys"
    ),
    "core.TypedLocalObjectReference": "apiGroup kind name",
    "core.TypedObjectReference": "apiGroup kind name namespace",
    "core.Volume": "name @core.VolumeSource",
    "core.VolumeDevice": "name devicePath",
    "core.VolumeMount": "name readOnly recursiveReadOnly mountPath subPath mountPropagation subPathExpr",
    "core.VolumeMountStatus": "name mountPath readOnly recursiveReadOnly",
    "core.VolumeProjection": (
        "secret:core.SecretProjection downwardAPI:core.DownwardAPIProjection "
        "configMap:core.ConfigMapProjection serviceAccountToken:core.ServiceAccountTokenProjection "
        "clusterTrustBundle:core.ClusterTrustBundleProjection"
    ),
    "core.VolumeResourceRequirements": "limits requests",
    "core.VolumeSource": (
        "hostPath:core.HostPathVolumeSource emptyDir:core.EmptyDirVolumeSource "
        "gcePersistentDisk:core.GCEPersistentDiskVolumeSource "
        "awsElasticBlockStore:core.AWSElasticBlockStoreVolumeSource gitRepo:core.GitRepoVolumeSource "
        "secret:core.SecretVolumeSource nfs:core.NFSVolumeSource iscsi:core.ISCSIVolumeSource "
        "glusterfs:core.GlusterfsVolumeSource "
        "persistentVolumeClaim:core.PersistentVolumeClaimVolumeSource rbd:core.RBDVolumeSource "
        "flexVolume:core.FlexVolumeSource cinder:core.CinderVolumeSource cephfs:core.CephFSVolumeSource "
        "flocker:core.FlockerVolumeSource downwardAPI:core.DownwardAPIVolumeSource fc:core.FCVolumeSource "
        "azureFile:core.AzureFileVolumeSource configMap:core.ConfigMapVolumeSource "
        "vsphereVolume:core.VsphereVirtualDiskVolumeSource quobyte:core.QuobyteVolumeSource "
        "azureDisk:core.AzureDiskVolumeSource photonPersistentDisk:core.PhotonPersistentDiskVolumeSource "
        "projected:core.ProjectedVolumeSource portworxVolume:core.PortworxVolumeSource "
        "scaleIO:core.ScaleIOVolumeSource storageos:core.StorageOSVolumeSource csi:core.CSIVolumeSource "
        "ephemeral:core.EphemeralVolumeSource image:core.ImageVolumeSource"
    ),
    "core.VsphereVirtualDiskVolumeSource": "volumePath fsType storagePolicyName storagePolicyID",
    "core.WeightedPodAffinityTerm": "weight podAffinityTerm:core.PodAffinityTerm",
    "core.WindowsSecurityContextOptions": (
        "gmsaCredentialSpecName gmsaCredentialSpec runAsUserName hostProcess"
    ),
    "metav1.Condition": "type status observedGeneration lastTransitionTime reason message",
    "metav1.FieldsV1": "",
    "metav1.LabelSelector": "matchLabels matchExpressions:metav1.LabelSelectorRequirement",
    "metav1.LabelSelectorRequirement": "key operator values",
    "metav1.List": "@metav1.TypeMeta metadata:metav1.ListMeta items",
    "metav1.ListMeta": "selfLink resourceVersion continue remainingItemCount",
    "metav1.ManagedFieldsEntry": (
        "manager operation apiVersion time fieldsType fieldsV1:metav1.FieldsV1 subresource"
    ),
    "metav1.ObjectMeta": (
        "name generateName namespace selfLink uid resourceVersion generation creationTimestamp "
        "deletionTimestamp deletionGracePeriodSeconds labels annotations "
        "ownerReferences:metav1.OwnerReference finalizers managedFields:metav1.ManagedFieldsEntry"
    ),
    "metav1.OwnerReference": "apiVersion kind name uid controller blockOwnerDeletion",
    "metav1.TypeMeta": "kind apiVersion",
    "networking.HTTPIngressPath": "path pathType backend:networking.IngressBackend",
    "networking.HTTPIngressRuleValue": "paths:networking.HTTPIngressPath",
    "networking.Ingress": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:networking.IngressSpec "
        "status:networking.IngressStatus"
    ),
    "networking.IngressBackend": (
        "service:networking.IngressServiceBackend resource:core.TypedLocalObjectReference"
    ),
    "networking.IngressLoadBalancerIngress": "ip hostname ports:networking.IngressPortStatus",
    "networking.IngressLoadBalancerStatus": "ingress:networking.IngressLoadBalancerIngress",
    "networking.IngressPortStatus": "port protocol error",
    "networking.IngressRule": "host @networking.IngressRuleValue",
    "networking.IngressRuleValue": "http:networking.HTTPIngressRuleValue",
    "networking.IngressServiceBackend": "name port:networking.ServiceBackendPort",
    "networking.IngressSpec": (
        "ingressClassName defaultBackend:networking.IngressBackend tls:networking.IngressTLS "
        "rules:networking.IngressRule"
    ),
    "networking.IngressStatus": "loadBalancer:networking.IngressLoadBalancerStatus",
    "networking.IngressTLS": "hosts secretName",
    "networking.ServiceBackendPort": "name number",
    "policy.PodDisruptionBudget": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta spec:policy.PodDisruptionBudgetSpec "
        "status:policy.PodDisruptionBudgetStatus"
    ),
    "policy.PodDisruptionBudgetSpec": (
        "minAvailable selector:metav1.LabelSelector maxUnavailable unhealthyPodEvictionPolicy"
    ),
    "policy.PodDisruptionBudgetStatus": (
        "observedGeneration disruptedPods disruptionsAllowed currentHealthy desiredHealthy expectedPods "
        "conditions:metav1.Condition"
    ),
    "rbac.AggregationRule": "clusterRoleSelectors:metav1.LabelSelector",
    "rbac.ClusterRole": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta rules:rbac.PolicyRule "
        "aggregationRule:rbac.AggregationRule"
    ),
    "rbac.ClusterRoleBinding": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta subjects:rbac.Subject roleRef:rbac.RoleRef"
    ),
    "rbac.PolicyRule": "verbs apiGroups resources resourceNames nonResourceURLs",
    "rbac.Role": "@metav1.TypeMeta metadata:metav1.ObjectMeta rules:rbac.PolicyRule",
    "rbac.RoleBinding": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta subjects:rbac.Subject roleRef:rbac.RoleRef"
    ),
    "rbac.RoleRef": "apiGroup kind name",
    "rbac.Subject": "kind apiGroup name namespace",
    "scheduling.PriorityClass": (
        "@metav1.TypeMeta metadata:metav1.ObjectMeta value globalDefault description preemptionPolicy"
    ),
}

#: (apiVersion, kind) of every object kubectl builds client-side -> its Go type
ROOTS: dict[tuple[str, str], str] = {
    ("v1", "Pod"): "core.Pod",
    ("apps/v1", "Deployment"): "apps.Deployment",
    ("apps/v1", "ReplicaSet"): "apps.ReplicaSet",
    ("apps/v1", "DaemonSet"): "apps.DaemonSet",
    ("apps/v1", "StatefulSet"): "apps.StatefulSet",
    ("v1", "Service"): "core.Service",
    ("batch/v1", "Job"): "batch.Job",
    ("batch/v1", "CronJob"): "batch.CronJob",
    ("v1", "ConfigMap"): "core.ConfigMap",
    ("v1", "Secret"): "core.Secret",
    ("v1", "ServiceAccount"): "core.ServiceAccount",
    ("v1", "Namespace"): "core.Namespace",
    ("v1", "ResourceQuota"): "core.ResourceQuota",
    ("v1", "ReplicationController"): "core.ReplicationController",
    ("autoscaling/v1", "HorizontalPodAutoscaler"): "autoscaling.HorizontalPodAutoscaler",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "autoscalingv2.HorizontalPodAutoscaler",
    ("rbac.authorization.k8s.io/v1", "Role"): "rbac.Role",
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): "rbac.ClusterRole",
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): "rbac.RoleBinding",
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): "rbac.ClusterRoleBinding",
    ("scheduling.k8s.io/v1", "PriorityClass"): "scheduling.PriorityClass",
    ("policy/v1", "PodDisruptionBudget"): "policy.PodDisruptionBudget",
    ("networking.k8s.io/v1", "Ingress"): "networking.Ingress",
    ("authentication.k8s.io/v1", "TokenRequest"): "authentication.TokenRequest",
    # metav1.List: what apply prints for several objects (its items are RawExtensions: as they are)
    ("v1", "List"): "metav1.List",
}


class TypedObject(dict):
    """An object kubectl holds as a Go struct (a generator's object, a typed client's answer) rather
    than as unstructured JSON: ``printers.to_json`` writes it in struct field order, and its
    JSONPath printer round-trips it through ``encoding/json``, so every number is a float64 there."""


@cache
def fields(type_name: str) -> tuple[tuple[str, str], ...]:
    """The JSON fields of a Go type in declaration order, inlined structs expanded: (name, type)
    pairs, type ``""`` for a scalar or a map. Empty for a type the tables do not know."""
    spec = _STRUCTS.get(type_name)
    if spec is None:
        return ()
    out: list[tuple[str, str]] = []
    for word in spec.split():
        if word.startswith("@"):
            out.extend(fields(word[1:]))
        else:
            name, _, sub = word.partition(":")
            out.append((name, sub))
    return tuple(out)


def type_of(obj: Any) -> str:
    """The Go type of a top-level object (by apiVersion and kind), ``""`` when kubectl has none."""
    if not isinstance(obj, dict):
        return ""
    kind = obj.get("kind", "")
    found = ROOTS.get((obj.get("apiVersion", ""), kind))
    if found is None:
        found = next((t for (_, k), t in ROOTS.items() if k == kind), "")
    return found


def go_ordered(value: Any, type_name: str) -> Any:
    """``value`` with its keys in the Go struct's field order (keys the type lacks after, sorted),
    recursively; maps (labels, data …) and values of unknown types sorted as json.Marshal sorts."""
    if isinstance(value, list):
        return [go_ordered(v, type_name) for v in value]
    if not isinstance(value, dict):
        return value
    if isinstance(value, TypedObject) and not fields(type_name):
        type_name = type_of(value)  # a typed object inside an untyped value (a List's items)
    known = fields(type_name)
    if not known:
        return {k: go_ordered(value[k], "") for k in sorted(value)}
    out = {name: go_ordered(value[name], sub) for name, sub in known if name in value}
    out.update({k: go_ordered(value[k], "") for k in sorted(value) if k not in out})
    return out


def struct_ordered(obj: Any) -> Any:
    """``obj`` in the order ``json.Marshal`` writes it: a ``TypedObject`` (also inside a ``List``'s
    items) in its Go type's field order, anything else with every map's keys sorted."""
    if isinstance(obj, TypedObject):
        return go_ordered(dict(obj), type_of(obj))
    if isinstance(obj, dict):
        return {k: struct_ordered(obj[k]) for k in sorted(obj)}
    if isinstance(obj, list):
        return [struct_ordered(v) for v in obj]
    return obj


def go_json(obj: Any, indent: int | None = 4) -> str:
    """``json.MarshalIndent(obj, "", "    ")`` (``indent=None``: ``json.Marshal``): struct order for
    typed objects, sorted keys otherwise, ``<``, ``>`` and ``&`` escaped as Go's encoder does."""
    separators = None if indent is not None else (",", ":")
    text = json.dumps(struct_ordered(obj), indent=indent, separators=separators, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
