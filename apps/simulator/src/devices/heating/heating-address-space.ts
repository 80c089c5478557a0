import { DataType, type StatusCode, StatusCodes, Variant } from 'node-opcua-client';
import type { OPCUAServer } from 'node-opcua-server';
import { HEATING_MODES, type HeatingMode, isHeatingMode, isValidSetpoint, type ThermalModel } from './thermal-model';

/** Namespace of the simulated controller's nodes: `nsu=urn:beffroi:simulator:heating;s=Zone1.Mode`. */
export const HEATING_NAMESPACE_URI = 'urn:beffroi:simulator:heating';

type AddressSpace = NonNullable<OPCUAServer['engine']['addressSpace']>;
type Namespace = ReturnType<AddressSpace['registerNamespace']>;
type UAObject = ReturnType<Namespace['addObject']>;

type Scalar = string | number | boolean;
type ScalarType = DataType.String | DataType.Double | DataType.Boolean;

interface VariableSpec {
  name: string;
  dataType: ScalarType;
  read: () => Scalar;
  /** Absent for a read-only variable. */
  write?: (value: unknown) => StatusCode;
}

/** Called after a client changed something, with a sentence saying what. */
type WriteListener = (change: string) => void;

const SETPOINT_VARIABLES: Record<HeatingMode, string> = {
  comfort: 'ComfortSetpoint',
  eco: 'EcoSetpoint',
  frost: 'FrostSetpoint',
};

/** The fastest a monitored item may sample a variable; reading the model is cheap. */
const MINIMUM_SAMPLING_INTERVAL_MS = 100;

/**
 * Adds the controller's nodes under Objects/HeatingController: `ZoneN.Name`, `ZoneN.Mode`, `ZoneN.ComfortSetpoint`,
 * `ZoneN.EcoSetpoint`, `ZoneN.FrostSetpoint`, `ZoneN.ActiveSetpoint`, `ZoneN.Temperature`, `ZoneN.HeaterOn` per zone,
 * `Outdoor.Temperature` and `Controller.Fault` (the controller's fault contact), all read live.
 */
export function addHeatingNodes(
  addressSpace: AddressSpace,
  model: ThermalModel,
  onWrite: WriteListener,
  fault: () => boolean,
): void {
  const namespace = addressSpace.registerNamespace(HEATING_NAMESPACE_URI);
  const controller = namespace.addObject({
    organizedBy: addressSpace.rootFolder.objects,
    browseName: 'HeatingController',
    nodeId: 's=HeatingController',
  });
  for (let zone = 1; zone <= model.zoneCount; zone += 1) {
    addGroup(namespace, controller, `Zone${zone}`, zoneVariables(model, zone, onWrite));
  }
  addGroup(namespace, controller, 'Outdoor', [
    { name: 'Temperature', dataType: DataType.Double, read: () => model.outdoorTemperature },
  ]);
  addGroup(namespace, controller, 'Controller', [{ name: 'Fault', dataType: DataType.Boolean, read: fault }]);
}

function zoneVariables(model: ThermalModel, zone: number, onWrite: WriteListener): VariableSpec[] {
  const reading = () => model.zone(zone);
  const setpoints = HEATING_MODES.map((mode): VariableSpec => ({
    name: SETPOINT_VARIABLES[mode],
    dataType: DataType.Double,
    read: () => reading().setpoints[mode],
    write: (value) => {
      if (typeof value !== 'number' || !isValidSetpoint(value)) return StatusCodes.BadOutOfRange;
      model.setSetpoint(zone, mode, value);
      onWrite(`zone ${zone} ${mode} setpoint set to ${value} °C`);
      return StatusCodes.Good;
    },
  }));
  return [
    { name: 'Name', dataType: DataType.String, read: () => reading().name },
    {
      name: 'Mode',
      dataType: DataType.String,
      read: () => reading().mode,
      write: (value) => {
        if (!isHeatingMode(value)) return StatusCodes.BadOutOfRange;
        model.setMode(zone, value);
        onWrite(`zone ${zone} mode set to ${value}`);
        return StatusCodes.Good;
      },
    },
    ...setpoints,
    { name: 'ActiveSetpoint', dataType: DataType.Double, read: () => reading().activeSetpoint },
    { name: 'Temperature', dataType: DataType.Double, read: () => reading().temperature },
    { name: 'HeaterOn', dataType: DataType.Boolean, read: () => reading().heaterOn },
  ];
}

/** An object `group` whose variables have the node ids `s=<group>.<name>`. */
function addGroup(namespace: Namespace, parent: UAObject, group: string, variables: VariableSpec[]): void {
  const object = namespace.addObject({ componentOf: parent, browseName: group, nodeId: `s=${group}` });
  for (const { name, dataType, read, write } of variables) {
    const access = write ? 'CurrentRead | CurrentWrite' : 'CurrentRead';
    namespace.addVariable({
      componentOf: object,
      browseName: name,
      nodeId: `s=${group}.${name}`,
      dataType,
      accessLevel: access,
      userAccessLevel: access,
      minimumSamplingInterval: MINIMUM_SAMPLING_INTERVAL_MS,
      value: {
        get: () => new Variant({ dataType, value: read() }),
        set: write ? (variant: Variant) => write(variant.value) : null,
      },
    });
  }
}
